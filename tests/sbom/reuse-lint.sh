#!/usr/bin/env bash
# reuse-lint.sh (make check-licenses): the repository's licence lint, and
# proof that it can fail. `reuse lint` (Debian's reuse, REUSE spec 3.0)
# must pass on the repository: every file's licence is declared in
# .reuse/dep5 and each licence used has its text in LICENSES/. Then, in a
# copy of the tracked files, the lint must fail on
#   a new top-level file          dep5 names folders one by one, so a file
#                                 nobody declared is caught
#   a licence text removed        LICENSES/MIT.txt missing
#   an unknown SPDX id            a typo in dep5's License field
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SL_ROOT" || exit 1
command -v reuse >/dev/null || { not_ok "reuse installed" "reuse not installed: scripts/deps.sh sbom"; finish; }

if reuse lint >"$TMPD/lint.txt" 2>&1; then
  ok "reuse lint: the repository is REUSE compliant ($(grep -o 'Files with license information: [0-9/ ]*' "$TMPD/lint.txt"))"
else
  not_ok "reuse lint on the repository: $(grep -A5 -E '^# (MISSING|BAD|UNUSED|READ)' "$TMPD/lint.txt" | head -n 12 | tr '\n' ' ')"
fi

# A copy of the tracked files, as its own git repository.
copy() {
  rm -rf "$TMPD/repo"
  mkdir -p "$TMPD/repo"
  git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$TMPD/repo" 2>/dev/null
  git -C "$TMPD/repo" init -q
}
fails_with() {  # fails_with TEXT WHAT
  (cd "$TMPD/repo" && reuse lint >"$TMPD/lint.txt" 2>&1)
  local rc=$?
  [[ $rc != 0 ]] && grep -q -- "$1" "$TMPD/lint.txt"
  result $? "reuse lint fails on $2" "exit $rc, '$1' not in its output"
}
copy
echo 'int stray;' >"$TMPD/repo/stray.c"
fails_with '* stray.c' "a new top-level file that .reuse/dep5 does not declare"
copy
rm "$TMPD/repo/LICENSES/MIT.txt"
fails_with 'Missing licenses: MIT' "a licence whose text is missing from LICENSES/"
copy
sed -i 's/^License: MIT$/License: MTI/' "$TMPD/repo/.reuse/dep5"
fails_with 'Bad licenses: MTI' "an SPDX id that does not exist"
finish
