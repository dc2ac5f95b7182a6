# lib.sh: helpers for integration tests that run the real binaries on a
# free port and speak real HTTP with curl. Source it from a test script:
#
#   . "$(dirname "$0")/lib.sh"
#   sl_start hello --log-format text     # start $SL_BIN/hello on a free port
#   expect_status "GET / answers" 200 "$SL_URL/"
#   sl_finish                            # "N passed, N failed"; exit status
#
# Environment: SL_BIN  directory of the binaries (make check-integration sets
#                      it to the absolute build/<flavour>/bin); default
#                      build/native/bin relative to the repository.
#              SL_READY_TIMEOUT  seconds sl_start waits for /readyz (10).
#
# Functions (all curl calls use --max-time $SL_CURL_TIMEOUT, default 10 s):
#   sl_free_port                  print a TCP port free on 127.0.0.1
#   sl_start NAME [ARGS...]       start $SL_BIN/NAME ARGS --port <free port>
#                                 in the background (stdout+stderr to a log),
#                                 wait until GET /readyz is 200. Sets SL_PID,
#                                 SL_PORT, SL_URL (http://127.0.0.1:PORT) and
#                                 SL_LOG. Adds --port only if ARGS has none
#                                 (then set SL_PORT yourself first). Returns 1
#                                 (and counts a failure) if it does not get
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
#   expect_eq DESC EXPECTED ACTUAL              plain comparison
#   expect_contains DESC TEXT HAYSTACK          fixed-string containment
#   expect_exit DESC CODE CMD...                command exits with CODE
#   pass DESC / fail DESC [DETAIL]              count one result by hand
#   sl_finish                     print "N passed, N failed", clean up, exit
#                                 0 only if nothing failed (and something ran).
# Every server started with sl_start is killed (SIGKILL) on exit, and the
# temporary directory $SL_TMP (logs, bodies) is removed unless a test failed
# (then its path is printed for inspection).

set -u

SL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SL_BIN=${SL_BIN:-$SL_ROOT/build/native/bin}
SL_READY_TIMEOUT=${SL_READY_TIMEOUT:-10}
SL_CURL_TIMEOUT=${SL_CURL_TIMEOUT:-10}
SL_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sl-it.XXXXXX")
SL_PASSED=0
SL_FAILED=0
SL_PIDS=()
SL_PID=
SL_PORT=
SL_URL=
SL_LOG=
SL_EXIT=

_sl_cleanup() {
  local p
  for p in "${SL_PIDS[@]}"; do
    kill -KILL "$p" 2>/dev/null || true
  done
  if [[ $SL_FAILED -eq 0 ]]; then
    rm -rf "$SL_TMP"
  else
    echo "logs kept in $SL_TMP" >&2
  fi
}
trap _sl_cleanup EXIT

pass() {
  SL_PASSED=$((SL_PASSED + 1))
  echo "ok   - $1"
}

fail() {
  SL_FAILED=$((SL_FAILED + 1))
  echo "FAIL - $1${2:+: $2}"
}

sl_finish() {
  echo "$SL_PASSED passed, $SL_FAILED failed"
  if [[ $SL_FAILED -ne 0 || $SL_PASSED -eq 0 ]]; then
    exit 1
  fi
  exit 0
}

# A port nobody listens on now. The kernel picks it (bind to port 0) when
# python3 is there; otherwise random ports are tried with bash's /dev/tcp.
sl_free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p i
  for i in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "sl_free_port: no free port found" >&2
  return 1
}

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
    SL_PORT=$(sl_free_port) || return 1
    set -- "$@" --port "$SL_PORT"
  fi
  SL_URL="http://127.0.0.1:$SL_PORT"
  SL_LOG="$SL_TMP/$name.$SL_PORT.log"
  "$SL_BIN/$name" "$@" >"$SL_LOG" 2>&1 &
  SL_PID=$!
  SL_PIDS+=("$SL_PID")
}

sl_start() {
  local name=$1
  sl_start_nowait "$@" || return 1
  if ! sl_wait_ready "$SL_URL"; then
    fail "$name started on port $SL_PORT and became ready" "see $SL_LOG"
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
    SL_EXIT=killed
    return 1
  fi
}

# Runs curl, leaving headers in $SL_TMP/h, the body in $SL_TMP/b and the
# status code in _sl_code.
_sl_fetch() {
  _sl_code=$(curl -s --max-time "$SL_CURL_TIMEOUT" -D "$SL_TMP/h" -o "$SL_TMP/b" -w '%{http_code}' "$@" 2>"$SL_TMP/e") || true
}

expect_status() {
  local desc=$1 want=$2
  shift 2
  _sl_fetch "$@"
  if [[ $_sl_code == "$want" ]]; then pass "$desc"; else fail "$desc" "status $_sl_code, want $want $(head -c 200 "$SL_TMP/b")"; fi
}

expect_header() {
  local desc=$1 name=$2 re=$3 v
  shift 3
  _sl_fetch "$@"
  v=$(tr -d '\r' <"$SL_TMP/h" | grep -i "^$name:" | tail -1 | sed 's/^[^:]*: *//')
  if [[ -n $v && $v =~ $re ]]; then pass "$desc"; else fail "$desc" "$name is '${v}', want /$re/"; fi
}

expect_no_header() {
  local desc=$1 name=$2
  shift 2
  _sl_fetch "$@"
  if tr -d '\r' <"$SL_TMP/h" | grep -qi "^$name:"; then fail "$desc" "$name present"; else pass "$desc"; fi
}

expect_body_contains() {
  local desc=$1 text=$2
  shift 2
  _sl_fetch "$@"
  if grep -qF -- "$text" "$SL_TMP/b"; then pass "$desc"; else fail "$desc" "body '$(head -c 200 "$SL_TMP/b")' lacks '$text'"; fi
}

expect_body_eq() {
  local desc=$1 text=$2 body
  shift 2
  _sl_fetch "$@"
  body=$(cat "$SL_TMP/b"; echo x)
  body=${body%x}
  if [[ $body == "$text" ]]; then pass "$desc"; else fail "$desc" "body '$(head -c 200 "$SL_TMP/b")', want '$text'"; fi
}

expect_eq() {
  if [[ $3 == "$2" ]]; then pass "$1"; else fail "$1" "got '$3', want '$2'"; fi
}

expect_contains() {
  if [[ $3 == *"$2"* ]]; then pass "$1"; else fail "$1" "'$(printf %s "$3" | head -c 300)' lacks '$2'"; fi
}

expect_exit() {
  local desc=$1 want=$2 got
  shift 2
  "$@" >"$SL_TMP/out" 2>&1
  got=$?
  if [[ $got == "$want" ]]; then pass "$desc"; else fail "$desc" "exit $got, want $want: $(head -c 300 "$SL_TMP/out")"; fi
}
