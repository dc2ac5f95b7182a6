#!/usr/bin/env bash
# run.sh: every tests/sbom/test-*.sh in turn, then the total of their
# closing lines ("N passed, N failed, N skipped"); non-zero if one failed
# or ended without that line.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
passed=0 failed=0 skipped=0
for t in "$here"/test-*.sh; do
  echo "== ${t##*/}"
  log=$(mktemp)
  bash "$t" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  last=$(tail -n 1 "$log")
  rm -f "$log"
  if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
    passed=$((passed + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2])) skipped=$((skipped + BASH_REMATCH[3]))
    [[ $rc == 0 || ${BASH_REMATCH[2]} != 0 ]] || failed=$((failed + 1))
  else
    echo "not ok  ${t##*/} ended without its closing line (exit status $rc)"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed == 0 ]]
