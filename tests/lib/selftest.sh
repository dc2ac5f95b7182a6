#!/usr/bin/env bash
# selftest.sh: the test library against small suites written here, each
# with the closing line and exit status it must give. Bugs caught: a skip
# counted as a pass, a failure in a subshell or background worker lost, a
# suite that dies before finish reported as passing, an empty suite passing,
# a broken plan unnoticed, cleanups not run or run in the wrong order, a
# known failure that passes unnoticed, a runner that parses output instead
# of reading counts, a free port that is not free.
. "$(dirname "${BASH_SOURCE[0]}")/test-lib.sh"
LIB=$TL_ROOT/tests/lib/test-lib.sh

# case NAME WANT_RC WANT_LAST_LINE BODY: run BODY as a suite.
case_() {
  local name=$1 want_rc=$2 want_last=$3 body=$4 out rc
  printf '. %q\n%s\n' "$LIB" "$body" >"$TL_TMP/s.sh"
  out=$(cd "$TL_TMP" && bash s.sh 2>&1) && rc=0 || rc=$?
  if [[ $rc == "$want_rc" && $(tail -n 1 <<<"$out") == "$want_last" ]]; then ok "$name"
  else not_ok "$name" "exit $rc (want $want_rc), output: $(tr '\n' '|' <<<"$out")"; fi
  LAST_OUT=$out
}

case_ "all pass: exit 0" 0 "2 passed, 0 failed, 0 skipped" 'ok a; ok b; finish'
case_ "one failure: exit 1" 1 "1 passed, 1 failed, 0 skipped" 'ok a; not_ok b "why"; finish'
expect_contains "not_ok prints 'not ok - NAME: DETAIL'" "not ok - b: why" "$LAST_OUT"
case_ "a skip is counted as a skip, never a pass" 0 "0 passed, 0 failed, 1 skipped" 'skip a "no root"; finish'
expect_contains "skip prints 'skip - NAME: REASON'" "skip - a: no root" "$LAST_OUT"
case_ "nothing ran: a failure" 1 "0 passed, 1 failed, 0 skipped" 'finish'
case_ "results in subshells and background workers count" 1 "2 passed, 1 failed, 0 skipped" \
  '( ok a ); ( not_ok b ) & wait; echo x | while read -r _; do ok c; done; finish'
case_ "exit before finish: a failure and the closing line" 1 "1 passed, 1 failed, 0 skipped" 'ok a; exit 3'
expect_contains "exit before finish names the status" "ended before finish (exit status 3)" "$LAST_OUT"
case_ "set -e error before finish: a failure" 1 "0 passed, 1 failed, 0 skipped" 'set -e; false; ok a; finish'
case_ "plan met" 0 "2 passed, 0 failed, 0 skipped" 'plan 2; ok a; ok b; finish'
case_ "plan missed: a failure" 1 "1 passed, 1 failed, 0 skipped" 'plan 2; ok a; finish'
case_ "check: command status decides" 1 "1 passed, 1 failed, 0 skipped" 'check t true; check f false; finish'
case_ "check under set -e does not stop the suite" 1 "1 passed, 1 failed, 0 skipped" 'set -e; check f false; check t true; finish'
case_ "result and expect_eq" 1 "2 passed, 2 failed, 0 skipped" \
  'result 0 a; result 1 b; expect_eq c x x; expect_eq d x y; finish'
case_ "cleanups run, then the closing line is last" 0 "1 passed, 0 failed, 0 skipped" \
  'at_exit "echo first-added"; at_exit "echo last-added"; ok a; finish'
expect_contains "cleanups run last-added first" "last-added
first-added" "$LAST_OUT"
case_ "a cleanup that sets p, f, s does not change the counts" 0 "1 passed, 0 failed, 0 skipped" \
  'at_exit "p=7 f=8 s=9 i=0"; ok a; finish'
case_ "cleanups run on an exit without finish" 1 "0 passed, 1 failed, 0 skipped" \
  'at_exit "echo cleaned"; exit 2'
expect_contains "cleanup output before the closing line" "cleaned" "$LAST_OUT"
printf 'known thing\n' >"$TL_TMP/known.txt"
case_ "a known failure is a skip" 0 "0 passed, 0 failed, 1 skipped" "known_failures $TL_TMP/known.txt; not_ok 'known thing fails' x; finish"
case_ "a known failure that passes fails the suite" 1 "0 passed, 1 failed, 0 skipped" "known_failures $TL_TMP/known.txt; ok 'known thing fails'; finish"
# shellcheck disable=SC2016 # expanded in the child suite
case_ "scratch directory removed after a pass" 0 "1 passed, 0 failed, 0 skipped" 'echo "$TL_TMP" >dir; ok a; finish'
check "scratch directory gone" test ! -e "$(cat "$TL_TMP/dir")"

# The runner: counts from the children's files, not from their output.
printf '. %q\nok a; skip b c; echo "9 passed, 0 failed, 0 skipped"; finish\n' "$LIB" >"$TL_TMP/c1.sh"
printf '. %q\nnot_ok x; finish\n' "$LIB" >"$TL_TMP/c2.sh"
printf 'echo "5 passed, 0 failed, 0 skipped"; exit 0\n' >"$TL_TMP/c3.sh"
out=$(bash "$TL_ROOT/tests/lib/run-suites.sh" "$TL_TMP/c1.sh" "$TL_TMP/c2.sh" "$TL_TMP/c3.sh" 2>&1) && rc=0 || rc=$?
expect_eq "runner totals the children's counts" "1 passed, 2 failed, 1 skipped" "$(tail -n 1 <<<"$out")"
expect_eq "runner exits 1 when a child failed" 1 "$rc"
expect_contains "runner: a child without the library is a failure" "ended without its closing line" "$out"

port=$(free_port)
if [[ $port =~ ^[0-9]+$ ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then ok "free_port gives a port nobody listens on ($port)"
else not_ok "free_port gives a port nobody listens on" "got '$port'"; fi
finish
