#!/usr/bin/env bash
# dockerfiles.sh: lint every Dockerfile of the project (docker/,
# benchmarks/peers/) with tests/lint/dockerfile_lint.py, the project's rules
# as code (no maintained Dockerfile linter is in Debian's archive: hadolint
# and Trivy are not packaged). Then prove each rule fires: every fixture
# tests/lint/fixtures/docker/<name>.Dockerfile names on its first line
# ("# <rule>: why") the rule it breaks and must be rejected with it;
# good*.Dockerfile must pass. Waivers for files owned elsewhere, each with
# its reason, are in tests/lint/dockerfile-waivers.txt and printed on every run.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
LINT=tests/lint/dockerfile_lint.py
# shellcheck source=tests/lib/test-lib.sh
. tests/lib/test-lib.sh

mapfile -t files < <(find docker benchmarks/peers -type f \( -name 'Dockerfile' -o -name '*.Dockerfile' -o -name 'Dockerfile.*' \) 2>/dev/null | sort)
echo "linting ${#files[@]} Dockerfile(s)"
for f in "${files[@]}"; do
  if out=$("$PY" "$LINT" --waivers tests/lint/dockerfile-waivers.txt "$f"); then ok "$f meets every rule"
  else not_ok "$f meets every rule" "$(printf '\n     %s' "$out")"; fi
done

for f in tests/lint/fixtures/docker/*.Dockerfile; do
  out=$("$PY" "$LINT" --waivers tests/lint/dockerfile-waivers.txt "$f") && rc=0 || rc=$?
  if [[ $(basename "$f") == good*.Dockerfile ]]; then
    if [[ $rc -eq 0 ]]; then ok "$f accepted"; else not_ok "$f rejected: $out"; fi
    continue
  fi
  rule=$(sed -n '1s/^# \([a-z-]*\):.*/\1/p' "$f")
  if [[ -z $rule ]]; then not_ok "$f: first line must be '# <rule>: why'"; continue; fi
  if [[ $rc -eq 1 ]] && grep -q ": $rule: " <<<"$out"; then ok "$(basename "$f") flagged as $rule"
  else not_ok "$(basename "$f") not flagged as $rule (rc $rc): $out"; fi
done

finish
