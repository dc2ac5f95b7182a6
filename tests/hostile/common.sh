# shellcheck shell=bash
# common.sh: helpers for tests/hostile/*.sh (sourced). Each test starts the
# real binary $SL_BIN/<svc> on a free port with the options under test,
# speaks raw bytes to it through raw.py, and ends with "N passed, N failed".
set -uo pipefail
HOSTILE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RAW="python3 $HOSTILE_DIR/raw.py"
: "${SL_BIN:?SL_BIN must name the directory of the service binaries}"
pass=0 fail=0
# Known open findings (known-findings.txt): expected to fail until fixed.
known() {
  local d=$1 k
  while IFS= read -r k; do
    [[ -z $k || $k == \#* ]] && continue
    [[ $d == "$k"* ]] && return 0
  done <"$HOSTILE_DIR/known-findings.txt"
  return 1
}
xfail=0
ok() {
  if known "$*"; then fail=$((fail + 1)); echo "XPASS $* (fixed? remove it from tests/hostile/known-findings.txt)"
  else pass=$((pass + 1)); echo "ok   $*"; fi
}
ko() {
  if known "$*"; then xfail=$((xfail + 1)); echo "XFAIL $* (known finding, see SECURITY.md)"
  else fail=$((fail + 1)); echo "FAIL $*"; fi
}
check() { # check DESCRIPTION COMMAND...: ok if the command succeeds
  local d=$1; shift
  if "$@"; then ok "$d"; else ko "$d"; fi
}
TMP=$(mktemp -d)
SVC_PID=
cleanup() {
  [[ -n $SVC_PID ]] && kill "$SVC_PID" 2>/dev/null && wait "$SVC_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start SVC ARGS...: runs $SL_BIN/SVC on a free port (PORT) with ARGS, logs
# to $TMP/SVC.log, waits until /healthz answers (at most 10 s).
start() {
  local svc=$1; shift
  PORT=$(free_port)
  "$SL_BIN/$svc" --listen=127.0.0.1 --port="$PORT" --log-format=text "$@" >"$TMP/$svc.log" 2>&1 &
  SVC_PID=$!
  for _ in $(seq 100); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null; then return 0; fi
    kill -0 "$SVC_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "failure: $svc did not become ready on port $PORT:"; tail -n 20 "$TMP/$svc.log"
  return 1
}
# stop: SIGTERM, wait; a sanitizer report in the log (SANITIZE=1 builds)
# or an exit status other than 0 counts as a failure.
stop() {
  local rc log
  kill "$SVC_PID" 2>/dev/null; wait "$SVC_PID" 2>/dev/null; rc=$?; SVC_PID=
  for log in "$TMP"/*.log; do
    if grep -qE 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$log"; then
      ko "sanitizer report in $(basename "$log"):"; grep -m 5 -E 'Sanitizer|runtime error' "$log"
    fi
  done
  if [[ $rc -eq 0 ]]; then ok "clean exit 0 after SIGTERM"; else ko "exit status $rc after SIGTERM"; fi
}

# status URL_PATH [curl args]: the HTTP status of one request ("000" if none).
status() {
  local p=$1; shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "http://127.0.0.1:$PORT$p"
}
alive() { [[ $(status /healthz) == 200 ]] && kill -0 "$SVC_PID" 2>/dev/null; }

# raw REQUEST_TEXT [raw.py send options]: sends printf-interpreted text,
# prints "<status> <seconds>".
raw() {
  local req=$1; shift
  printf '%b' "$req" | $RAW send "$PORT" "$@"
}
# expect_raw DESCRIPTION REQUEST ALLOWED_STATUS_REGEX [raw.py options]
expect_raw() {
  local d=$1 req=$2 want=$3; shift 3
  local got; got=$(raw "$req" "$@")
  if [[ ${got%% *} =~ ^($want)$ ]]; then ok "$d -> ${got%% *}"
  else ko "$d: got '$got', want $want"; fi
}
finish() {
  [[ -n $SVC_PID ]] && stop
  [[ $xfail -gt 0 ]] && echo "($xfail known findings failed as expected: tests/hostile/known-findings.txt)"
  echo "$pass passed, $fail failed"
  [[ $fail -eq 0 ]]
}
