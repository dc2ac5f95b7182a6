# shellcheck shell=bash
# lib.sh: helpers for integration tests that run the real binaries on a
# free port and speak real HTTP with curl. Source it from a test script:
#
#   . "$(dirname "$0")/lib.sh"
#   sl_start hello --log-format text     # start $SL_BIN/hello on a free port
#   expect_status "GET / answers" 200 "$SL_URL/"
#   finish                               # the closing line; exit status
#
# Results, skips, free_port, expect_eq, expect_contains, at_exit, finish
# and the scratch directory $TL_TMP come from tests/lib/test-lib.sh.
#
# Environment: SL_BIN  directory of the binaries (make check-integration sets
#                      it to the absolute build/<flavour>/bin); default
#                      build/native/bin relative to the repository.
#              SL_READY_TIMEOUT  seconds sl_start waits for /readyz (10).
#
# Functions (all curl calls use --max-time $SL_CURL_TIMEOUT, default 10 s):
#   sl_start NAME [ARGS...]       start $SL_BIN/NAME ARGS --port <free port>
#                                 in the background (stdout+stderr to a log),
#                                 wait until GET /readyz is 200. Sets SL_PID,
#                                 SL_PORT, SL_URL (http://127.0.0.1:PORT) and
#                                 SL_LOG. Adds --port only if ARGS has none
#                                 (then set SL_PORT yourself first). Returns 1
#                                 (and records a failure) if it does not get
#                                 ready or exits. Env vars for the process:
#                                 prefix the call, e.g. PORT=1 sl_start hello.
#   sl_start_nowait NAME [ARGS...] the same without waiting for /readyz.
#   sl_wait_ready URL [SECONDS]   poll URL/readyz until 200; 0 or 1.
#   sl_poll_status URL CODE SECONDS  poll URL until its status is CODE
#                                 (000 = connection refused); 0 or 1.
#   sl_wait_exit PID SECONDS      wait for PID to end; sets SL_EXIT to its
#                                 status, or returns 1 if still running.
#   sl_stop [PID] [SIGNAL]        send SIGNAL (TERM) to PID ($SL_PID) and wait
#                                 (up to 15 s); sets SL_EXIT.
#   sl_curl ARGS...               curl -sS with the timeout; body on stdout.
#   expect_status DESC CODE CURL_ARGS...        HTTP status is CODE
#   expect_header DESC NAME REGEX CURL_ARGS...  header NAME matches REGEX
#                                               (extended, case-sensitive
#                                               on the value)
#   expect_no_header DESC NAME CURL_ARGS...     header NAME is absent
#   expect_body_contains DESC TEXT CURL_ARGS... body contains TEXT (fixed)
#   expect_body_eq DESC TEXT CURL_ARGS...       body is exactly TEXT
#   expect_exit DESC CODE CMD...                command exits with CODE
# Every server started with sl_start is killed (SIGKILL) on exit; $TL_TMP
# (logs, bodies) is kept when a check failed.

set -u
# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"

SL_BIN=${SL_BIN:-$TL_ROOT/build/native/bin}
SL_READY_TIMEOUT=${SL_READY_TIMEOUT:-10}
SL_CURL_TIMEOUT=${SL_CURL_TIMEOUT:-10}
SL_PIDS=()
SL_PID=
SL_PORT=
SL_URL=
SL_LOG=
SL_EXIT=
at_exit 'for p in "${SL_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done'

sl_curl() {
  curl -sS --max-time "$SL_CURL_TIMEOUT" "$@"
}

sl_wait_ready() {
  local url=$1 secs=${2:-$SL_READY_TIMEOUT} i code
  for ((i = 0; i < secs * 20; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url/readyz" 2>/dev/null || true)
    [[ $code == 200 ]] && return 0
    sleep 0.05
  done
  return 1
}

sl_poll_status() {
  local url=$1 want=$2 secs=$3 i code
  for ((i = 0; i < secs * 20; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null || true)
    [[ $code == "$want" ]] && return 0
    sleep 0.05
  done
  return 1
}

sl_start_nowait() {
  local name=$1
  shift
  local has_port=0 a
  for a in "$@"; do
    [[ $a == --port || $a == --port=* ]] && has_port=1
  done
  if [[ $has_port -eq 0 ]]; then
    SL_PORT=$(free_port) || return 1
    set -- "$@" --port "$SL_PORT"
  fi
  SL_URL="http://127.0.0.1:$SL_PORT"
  SL_LOG="$TL_TMP/$name.$SL_PORT.log"
  "$SL_BIN/$name" "$@" >"$SL_LOG" 2>&1 &
  SL_PID=$!
  SL_PIDS+=("$SL_PID")
}

sl_start() {
  local name=$1
  sl_start_nowait "$@" || return 1
  if ! sl_wait_ready "$SL_URL"; then
    not_ok "$name started on port $SL_PORT and became ready" "see $SL_LOG"
    sed 's/^/    | /' "$SL_LOG" | tail -20
    return 1
  fi
}

sl_wait_exit() {
  local pid=$1 secs=$2 i
  for ((i = 0; i < secs * 20; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null
      SL_EXIT=$?
      return 0
    fi
    sleep 0.05
  done
  return 1
}

sl_stop() {
  local pid=${1:-$SL_PID} sig=${2:-TERM}
  kill -"$sig" "$pid" 2>/dev/null || true
  if ! sl_wait_exit "$pid" 15; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null
    # shellcheck disable=SC2034 # read by the suites
    SL_EXIT=killed
    return 1
  fi
}

# Runs curl, leaving headers in $TL_TMP/h, the body in $TL_TMP/b and the
# status code in _sl_code.
_sl_fetch() {
  _sl_code=$(curl -s --max-time "$SL_CURL_TIMEOUT" -D "$TL_TMP/h" -o "$TL_TMP/b" -w '%{http_code}' "$@" 2>"$TL_TMP/e") || true
}

expect_status() {
  local desc=$1 want=$2
  shift 2
  _sl_fetch "$@"
  if [[ $_sl_code == "$want" ]]; then ok "$desc"; else not_ok "$desc" "status $_sl_code, want $want $(head -c 200 "$TL_TMP/b")"; fi
}

expect_header() {
  local desc=$1 name=$2 re=$3 v
  shift 3
  _sl_fetch "$@"
  v=$(tr -d '\r' <"$TL_TMP/h" | grep -i "^$name:" | tail -1 | sed 's/^[^:]*: *//')
  if [[ -n $v && $v =~ $re ]]; then ok "$desc"; else not_ok "$desc" "$name is '${v}', want /$re/"; fi
}

expect_no_header() {
  local desc=$1 name=$2
  shift 2
  _sl_fetch "$@"
  if tr -d '\r' <"$TL_TMP/h" | grep -qi "^$name:"; then not_ok "$desc" "$name present"; else ok "$desc"; fi
}

expect_body_contains() {
  local desc=$1 text=$2
  shift 2
  _sl_fetch "$@"
  if grep -qF -- "$text" "$TL_TMP/b"; then ok "$desc"; else not_ok "$desc" "body '$(head -c 200 "$TL_TMP/b")' lacks '$text'"; fi
}

expect_body_eq() {
  local desc=$1 text=$2 body
  shift 2
  _sl_fetch "$@"
  body=$(cat "$TL_TMP/b"; echo x)
  body=${body%x}
  if [[ $body == "$text" ]]; then ok "$desc"; else not_ok "$desc" "body '$(head -c 200 "$TL_TMP/b")', want '$text'"; fi
}



expect_exit() {
  local desc=$1 want=$2 got
  shift 2
  "$@" >"$TL_TMP/out" 2>&1
  got=$?
  if [[ $got == "$want" ]]; then ok "$desc"; else not_ok "$desc" "exit $got, want $want: $(head -c 300 "$TL_TMP/out")"; fi
}
