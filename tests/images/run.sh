#!/usr/bin/env bash
# run.sh: every tests/images/test-*.sh in turn, then the total. Each script
# prints its own "N passed, N failed"; this one exits non-zero if any failed.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
passed=0 failed=0 t_all=$SECONDS
for t in "$here"/test-*.sh; do
  t0=$SECONDS
  echo "== ${t##*/}"
  log=$(mktemp)
  bash "$t" >"$log" 2>&1
  rc=$?
  cat "$log"
  out=$(tail -n 1 "$log")
  rm -f "$log"
  if [[ "$out" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
    [[ $rc == 0 || ${BASH_REMATCH[2]} != 0 ]] || failed=$((failed + 1))
  else
    echo "FAIL ${t##*/}: ended without a summary line (exit status $rc)"
    failed=$((failed + 1))
  fi
  echo "== ${t##*/}: $((SECONDS - t0)) s"
done
echo "image tests took $((SECONDS - t_all)) s"
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
