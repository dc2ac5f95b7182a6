# shellcheck shell=bash
# tests/lib/test-lib.sh: the one shell test library, sourced by every shell
# suite (in the spirit of git's t/test-lib.sh, but small):
#
#   . "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"
#   plan 3                          optional: finish fails if not 3 results
#   ok "GET / answers"              one pass
#   not_ok "GET / answers" "500"    one failure, with its detail
#   skip "root only" "not root"     one skip: shown and counted as a skip,
#                                   never as a pass
#   check NAME CMD...               ok if CMD succeeds, else not_ok
#   result STATUS NAME [DETAIL]     ok if STATUS (e.g. $?) is 0, else not_ok
#   expect_eq NAME WANT GOT         ok if GOT is WANT
#   expect_contains NAME TEXT HAY   ok if HAY contains the fixed TEXT
#   free_port                       a TCP port nobody listens on (127.0.0.1)
#   at_exit CMD                     run CMD (a string, eval'd) at exit; calls
#                                   stack, the last added runs first
#   known_failures FILE             names starting with a line of FILE are
#                                   known failures: a failure prints as a skip
#                                   (reason: known), a pass fails the suite
#                                   (the line must go)
#   suite SCRIPT [ARGS...]          run a child suite; its counts join ours
#   finish                          the closing line, then exit: 0 if nothing
#                                   failed, 1 otherwise (or if nothing ran)
#
# One output dialect for every suite:
#   ok - NAME
#   not ok - NAME: DETAIL
#   skip - NAME: REASON
# and exactly one closing line, last: "N passed, N failed, N skipped".
#
# Results are counted in a file, not in shell variables, so checks made in
# subshells and background workers ( ... ) & count too.
# $TL_TMP is a scratch directory for the suite, removed at exit unless a
# check failed or TL_KEEP=1 (then its path is printed before the closing
# line). A suite that exits without calling finish (an error, `exit`, a
# signal) still ends with a failure and the closing line.
# TL_COUNTS (environment, for runners): a file where finish writes
# "PASSED FAILED SKIPPED" for the runner to read; see `suite`.

TL_NAME=${TL_NAME:-$(basename "$0")}
TL_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tl.XXXXXX") || {
  echo "not ok - $TL_NAME: cannot create a temporary directory"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
}
TL_RESULTS=$TL_TMP/.tl-results
: >"$TL_RESULTS"
# Ours to write, not our children's: a child suite gets its own from `suite`.
TL_COUNTS_OUT=${TL_COUNTS:-}
unset TL_COUNTS
TL_PLAN=
TL_KNOWN=
TL_FINISHED=0
TL_AT_EXIT=()
TL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

plan() { TL_PLAN=$1; }

# _tl_known NAME: 0 if NAME starts with a line of the known-failures file.
_tl_known() {
  local k
  [[ -n $TL_KNOWN ]] || return 1
  while IFS= read -r k; do
    [[ -z $k || $k == \#* ]] && continue
    [[ $1 == "$k"* ]] && return 0
  done <"$TL_KNOWN"
  return 1
}

ok() {
  if _tl_known "$*"; then
    echo "not ok - $*: passes, but is listed as a known failure in ${TL_KNOWN#"$TL_ROOT"/}: remove that line"
    echo "0 1 0" >>"$TL_RESULTS"
    return
  fi
  echo "ok - $*"
  echo "1 0 0" >>"$TL_RESULTS"
}

not_ok() {
  if _tl_known "$1"; then
    skip "$1" "known failure (${TL_KNOWN#"$TL_ROOT"/})${2:+: $2}"
    return
  fi
  echo "not ok - $1${2:+: $2}"
  echo "0 1 0" >>"$TL_RESULTS"
}

skip() {
  echo "skip - $1: ${2:-no reason given}"
  echo "0 0 1" >>"$TL_RESULTS"
}

check() {
  local name=$1 rc
  shift
  "$@" && rc=0 || rc=$?
  if [[ $rc -eq 0 ]]; then ok "$name"; else not_ok "$name" "exit status $rc"; fi
}

result() {
  if [[ $1 == 0 ]]; then ok "$2"; else not_ok "$2" "${3:-status $1}"; fi
}

expect_eq() {
  if [[ $3 == "$2" ]]; then ok "$1"; else not_ok "$1" "got '$3', want '$2'"; fi
}

expect_contains() {
  if [[ $3 == *"$2"* ]]; then ok "$1"; else not_ok "$1" "'$(printf %s "$3" | head -c 300)' lacks '$2'"; fi
}

known_failures() { TL_KNOWN=$1; }

# The kernel picks the port (bind to port 0) when python3 is there;
# otherwise random ports are tried with bash's /dev/tcp.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "free_port: no free port found after 100 tries" >&2
  return 1
}

at_exit() { TL_AT_EXIT+=("$*"); }

# _tl_counts: "PASSED FAILED SKIPPED" so far.
_tl_counts() {
  awk '{ p += $1; f += $2; s += $3 } END { print p + 0, f + 0, s + 0 }' "$TL_RESULTS"
}

# suite SCRIPT [ARGS...]: run a child suite with bash (at most
# TL_SUITE_TIMEOUT seconds when set), show its output and time, and add its
# counts (read from the file its finish writes, not parsed from its output)
# to ours. A child that exits non-zero with no failure counted, or ends
# without its closing line, counts as one failure.
suite() {
  local t=$1 name counts rc p f s t0=$SECONDS
  shift
  name=${t#"$TL_ROOT"/}
  counts=$(mktemp "$TL_TMP/counts.XXXXXX")
  echo "== $name"
  if [[ -n ${TL_SUITE_TIMEOUT:-} ]]; then
    TL_COUNTS=$counts timeout -k 10 "$TL_SUITE_TIMEOUT" bash "$t" "$@" && rc=0 || rc=$?
  else
    TL_COUNTS=$counts bash "$t" "$@" && rc=0 || rc=$?
  fi
  echo "== $name: $((SECONDS - t0)) s"
  if ! read -r p f s 2>/dev/null <"$counts" || [[ -z ${s:-} ]]; then
    if [[ $rc -eq 124 ]]; then
      not_ok "$name" "timed out after $TL_SUITE_TIMEOUT s"
    else
      not_ok "$name" "ended without its closing line (exit status $rc)"
    fi
    return
  fi
  echo "$p $f $s" >>"$TL_RESULTS"
  [[ $rc -eq 0 || $f -ne 0 ]] || not_ok "$name" "exit status $rc but no failure counted"
}

finish() {
  local _tl_p _tl_f _tl_s _tl_i
  read -r _tl_p _tl_f _tl_s <<<"$(_tl_counts)"
  if [[ -n $TL_PLAN && $((_tl_p + _tl_f + _tl_s)) -ne $TL_PLAN ]]; then
    not_ok "plan" "$TL_PLAN results planned, $((_tl_p + _tl_f + _tl_s)) seen"
  elif [[ $((_tl_p + _tl_f + _tl_s)) -eq 0 ]]; then
    not_ok "$TL_NAME" "no test ran"
  fi
  TL_FINISHED=1
  # Cleanups first, so that the closing line is the last line. They are
  # eval'd here: the counts are read after them, into names they do not use.
  for ((_tl_i = ${#TL_AT_EXIT[@]} - 1; _tl_i >= 0; _tl_i--)); do
    eval "${TL_AT_EXIT[_tl_i]}" || true
  done
  TL_AT_EXIT=()
  read -r _tl_p _tl_f _tl_s <<<"$(_tl_counts)"
  if [[ $_tl_f -ne 0 || ${TL_KEEP:-0} == 1 ]]; then
    echo "# scratch files kept in $TL_TMP"
  else
    rm -rf "$TL_TMP"
  fi
  [[ -z $TL_COUNTS_OUT ]] || echo "$_tl_p $_tl_f $_tl_s" >"$TL_COUNTS_OUT"
  echo "$_tl_p passed, $_tl_f failed, $_tl_s skipped"
  [[ $_tl_f -eq 0 ]] && exit 0
  exit 1
}

# An exit without finish (an error under set -e, a bare exit, a signal) is
# a failure, and still gets the cleanups and the closing line.
_tl_exit() {
  local rc=$?
  [[ $TL_FINISHED == 1 ]] && exit "$rc"
  trap - EXIT
  not_ok "$TL_NAME" "ended before finish (exit status $rc)"
  finish
}
trap _tl_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
