#!/usr/bin/env bash
# selftest.sh: the lab runner (labrun.py) tested on the fixture pages of
# tests/labs/fixtures/, without Docker. Every marker kind (exact lines,
# patterns, a number within a tolerance, a figure written into the prose,
# an exempt step, a cleanup block) runs once on a page that must pass and
# once on a page that must fail; a failing page must make the runner exit
# non-zero and name the failing step (page:line) or page line. Then a
# timeout, --write, --lint and questions.md. Each case gets its own
# repository root in a temporary directory (docs/labs/01-<fixture>.md,
# ...), so the real pages are never touched.
#
# Ends with "N passed, N failed, N skipped"; exit 0 when nothing failed.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FIX=$here/fixtures
LABRUN=$here/labrun.py
# shellcheck source=tests/lib/test-lib.sh
. "$here/../lib/test-lib.sh"
command -v python3 >/dev/null || { not_ok "python3" "not found (Debian package python3)"; finish; }

TMPD=$TL_TMP
export SELFTEST_DIR=$TMPD   # the cleanup fixtures make and remove files here

# labroot CASE FIXTURE...: a repository root $TMPD/CASE whose labs are the
# fixtures, in order, as docs/labs/01-FIXTURE.md, 02-...; a fixture named
# questions-* becomes docs/labs/questions.md.
labroot() {
  local case=$1 f n=0
  shift
  mkdir -p "$TMPD/$case/docs/labs"
  for f in "$@"; do
    if [[ $f == questions-* ]]; then
      cp "$FIX/$f.md" "$TMPD/$case/docs/labs/questions.md"
    else
      n=$((n + 1))
      cp "$FIX/$f.md" "$TMPD/$case/docs/labs/$(printf %02d $n)-$f.md"
    fi
  done
}
page() { echo "$TMPD/$1/docs/labs/$2"; }

# runlab CASE [ARGS...]: the runner on that root; its output in OUT, its
# exit status in RC.
runlab() {
  local case=$1
  shift
  OUT=$(python3 "$LABRUN" --root "$TMPD/$case" --out "$TMPD/$case/build" "$@" 2>&1)
  RC=$?
  printf '%s\n' "$OUT" >"$TMPD/$case.log"
}

# has TEXT: the last runner output holds TEXT (a fixed string).
has() { grep -qF -- "$1" <<<"$OUT"; }

# expect_out CASE TEXT: a check that the output holds TEXT; on failure the
# output's tail is shown.
expect_out() {
  if has "$2"; then
    ok "$1: output has '$2'"
  else
    not_ok "$1: output lacks '$2'; it ends:"
    tail -n 12 <<<"$OUT" | sed 's/^/          | /'
  fi
}

# expect_rc CASE WANT: the runner's exit status, and its closing line.
expect_rc() {
  result "$([[ $RC == "$2" ]]; echo $?)" "$1: exit status $2" "got $RC (log $TMPD/$1.log)"
  result "$(tail -n 1 <<<"$OUT" | grep -qE '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'; echo $?)" \
    "$1: closing line 'N passed, N failed, N skipped'" "last line: $(tail -n 1 <<<"$OUT")"
}

# line_of FIXTURE TEXT: the number of the fixture's first line that is TEXT.
line_of() { grep -nxF -m 1 -- "$2" "$FIX/$1.md" | cut -d: -f1; }

# prose_line FIXTURE TEXT: the number of the fixture's first line holding TEXT.
prose_line() { grep -nF -m 1 -- "$2" "$FIX/$1.md" | cut -d: -f1; }
size_line=$(prose_line figure-pass '<!-- figure: fixture_size -->')

# step_failed CASE FIXTURE COMMAND: the runner named that step as failed.
step_failed() { expect_out "$1" "FAIL docs/labs/01-$2.md:$(line_of "$2" "$3") $3"; }

# A lab that must pass: exit 0 and its per-lab line.
expect_lab_passes() {
  local fixture=$1 summary=$2
  labroot "$fixture" "$fixture"
  runlab "$fixture"
  expect_rc "$fixture" 0
  expect_out "$fixture" "lab 01-$fixture: $summary, passed in"
}

echo "== exact lines"
expect_lab_passes exact-pass "3 steps ran, 0 exempt"
labroot exact-fail exact-fail
runlab exact-fail
expect_rc exact-fail 1
step_failed exact-fail exact-fail '$ echo hello'
expect_out exact-fail "output differs"
expect_out exact-fail "-goodbye"
expect_out exact-fail "+hello"
expect_out exact-fail "lab 01-exact-fail: 2 steps ran, 0 exempt, 1 not reached, FAILED"
labroot status-fail status-fail
runlab status-fail
expect_rc status-fail 1
step_failed status-fail status-fail '$ echo same; exit_status() { return 3; }; exit_status'
expect_out status-fail "exit status 3"

echo "== patterns"
expect_lab_passes regex-pass "2 steps ran, 0 exempt"
labroot regex-fail regex-fail
runlab regex-fail
expect_rc regex-fail 1
step_failed regex-fail regex-fail '$ echo answer=forty-two'
expect_out regex-fail "output does not match the patterns"

echo "== numbers within a tolerance"
expect_lab_passes number-pass "4 steps ran, 0 exempt"
expect_out number-pass "(103 within 100 ± 5)"
expect_out number-pass "(2150 within 2000 ± 10%)"
labroot number-fail number-fail
runlab number-fail
expect_rc number-fail 1
step_failed number-fail number-fail '$ echo 106 ms'
expect_out number-fail "106 is outside 100 ± 5 [95, 105]"

echo "== figures written into the prose"
labroot figure-pass figure-pass
fp=$(page figure-pass 01-figure-pass.md)
runlab figure-pass
expect_rc figure-pass 0
result "$(cmp -s "$FIX/figure-pass.md" "$fp"; echo $?)" "figure-pass: a check run leaves the page as it is"
expect_out figure-pass "01-figure-pass.md:$size_line fixture_size: page 1, this run 42"
result "$(grep -qF '<!-- figure: fixture_size -->42<!-- /figure -->' "$TMPD/figure-pass/build/pages/01-figure-pass.md"; echo $?)" \
  "figure-pass: the page as the run would write it (build/pages/) has the measured figure"
result "$(python3 -c 'import json, sys; f = json.load(open(sys.argv[1]))["figures"]; sys.exit(not (f["fixture_size"]["value"] == "42" and f["fixture_size"]["lab"] == "01-figure-pass.md" and f["fixture_ms"]["value"] == "41"))' \
  "$TMPD/figure-pass/build/figures.json" 2>&1; echo $?)" "figure-pass: figures.json holds both figures with the lab that measured them"
runlab figure-pass --write
expect_rc figure-pass-write 0
result "$(grep -qF '<!-- figure: fixture_size -->42<!-- /figure --> KiB' "$fp" && grep -qF '<!-- figure: fixture_ms -->41<!-- /figure --> ms' "$fp"; echo $?)" \
  "figure-pass: --write rewrote both figures in the prose"
result "$(grep -qx 'size 42 KiB' "$fp" && grep -qx '41' "$fp"; echo $?)" "figure-pass: --write rewrote the sample output"
result "$(grep -qE '^<!-- run: tests/labs/run.sh --write on .* -->$' "$fp"; echo $?)" "figure-pass: --write added the run stamp"
cp "$fp" "$TMPD/figure-pass.written"
runlab figure-pass
expect_rc figure-pass-again 0
result "$( ! has 'figures that moved'; echo $?)" "figure-pass: a check run after --write reports no moved figure"
labroot figure-fail figure-fail
runlab figure-fail
expect_rc figure-fail 1
expect_out figure-fail "01-figure-fail.md:$(line_of figure-fail '<!-- figure: fixture_typed -->17<!-- /figure --> KiB.'): figure 'fixture_typed' is recorded by no lab step"
cp "$(page figure-fail 01-figure-fail.md)" "$TMPD/figure-fail.before"
runlab figure-fail --write
expect_rc figure-fail-write 1
expect_out figure-fail-write "the pages have errors: nothing run, nothing written"
result "$(cmp -s "$TMPD/figure-fail.before" "$(page figure-fail 01-figure-fail.md)"; echo $?)" "figure-fail: --write refused and left the page as it was"

echo "== exempt steps"
expect_lab_passes exempt-pass "1 steps ran, 3 exempt"
expect_out exempt-pass "--   docs/labs/01-exempt-pass.md:$(line_of exempt-pass '$ kubectl-that-does-not-exist apply -f pod.yaml') exempt (needs a real Kubernetes cluster): 1 command(s)"
expect_out exempt-pass "exempt (needs a registry on the internet): 2 command(s)"
labroot exempt-fail exempt-fail
runlab exempt-fail
expect_rc exempt-fail 1
expect_out exempt-fail "01-exempt-fail.md:$(line_of exempt-fail '<!-- exempt: takes too long -->'): exempt reason 'takes too long' is not one of"

echo "== cleanup"
expect_lab_passes cleanup-pass "2 steps ran, 0 exempt"
result "$([[ ! -e $TMPD/made-by-cleanup-pass ]]; echo $?)" "cleanup-pass: the cleanup block ran"
labroot cleanup-fail cleanup-fail
runlab cleanup-fail
expect_rc cleanup-fail 1
step_failed cleanup-fail cleanup-fail '$ false'
result "$([[ ! -e $TMPD/made-by-cleanup-fail ]]; echo $?)" "cleanup-fail: the cleanup block ran after the failed step"
step_failed cleanup-fail cleanup-fail "\$ rm \"\$SELFTEST_DIR/no-such-file\""
expect_out cleanup-fail "lab 01-cleanup-fail: 4 steps ran, 0 exempt, 1 not reached, FAILED"

echo "== timeout"
labroot timeout-fail timeout-fail
t0=$SECONDS
runlab timeout-fail
expect_rc timeout-fail 1
step_failed timeout-fail timeout-fail '$ sleep 30; echo woke'
expect_out timeout-fail "timed out after 1 s (its processes were ended)"
result "$([[ $((SECONDS - t0)) -lt 20 ]]; echo $?)" "timeout-fail: the runner did not wait for the command" "$((SECONDS - t0)) s"

echo "== --lint"
labroot lint-pass figure-pass exact-pass number-pass exempt-pass questions-pass
runlab lint-pass --lint
expect_rc lint-pass 0
expect_out lint-pass "lab 04-exempt-pass: 1 steps to run, 3 exempt"
lint_rejects() {
  local fixture=$1 text=$2 line=$3
  labroot "$fixture" "$fixture"
  runlab "$fixture" --lint
  expect_rc "$fixture" 1
  expect_out "$fixture" "01-$fixture.md:$(line_of "$fixture" "$line"): $text"
}
lint_rejects lint-bad-marker "bad number marker 'number 100 plus-or-minus 5'" '<!-- expect: number 100 plus-or-minus 5 -->'
lint_rejects lint-unknown-kind "unknown expectation 'glob' (exact, regex, number)" '<!-- expect: glob -->'
lint_rejects lint-shell-block "a 'sh' block in a lab" '```sh'
result "$(python3 "$LABRUN" --lint >"$TMPD/real-lint.log" 2>&1; echo $?)" "the project's own pages pass --lint" "see $TMPD/real-lint.log"

echo "== questions.md"
labroot questions-pass figure-pass questions-pass
qp=$(page questions-pass questions.md)
runlab questions-pass --write
expect_rc questions-pass 0
result "$( [[ $(grep -cF -- '-->42<!--' "$qp") == 5 && $(grep -cF -- '-->41<!--' "$qp") == 5 ]]; echo $?)" \
  "questions-pass: --write filled the answers' figures from the lab's run"
runlab questions-pass --lint
expect_rc questions-pass-lint 0
# failing variants: one edit each to the page that passes
questions_rejects() {
  local case=$1 edit=$2 text=$3
  labroot "$case" figure-pass exact-pass questions-pass
  sed -i "$edit" "$(page "$case" questions.md)"
  runlab "$case" --lint
  expect_rc "$case" 1
  expect_out "$case" "$text"
}
questions_rejects questions-unknown '0,/fixture_size/s//fixture_nope/' \
  "questions.md:5: figure 'fixture_nope' is recorded by no lab step"
questions_rejects questions-unlinked '0,/(01-figure-pass.md)/s//(02-exact-pass.md)/' \
  "questions.md:3: 'Question 1?': quotes figure 'fixture_size' but does not link 01-figure-pass.md"
questions_rejects questions-typed '0,/-->1<!--/s//-->7<!--/' \
  "questions.md:5: figure 'fixture_size' is 7 here but 1 in 01-figure-pass.md:$size_line"
# shellcheck disable=SC2016 # a sed script: $ is its last line
questions_rejects questions-short '/^## Question 10?/,$d' "questions.md: 9 questions, expected at least 10"

finish
