# shellcheck shell=bash
# common.sh: helpers for tests/hostile/*.sh (sourced). Each test starts the
# real binary $SL_BIN/<svc> on a free port with the options under test,
# speaks raw bytes to it through raw.py. Results, check, free_port and
# finish: tests/lib/test-lib.sh. A suite calls stop before finish while a
# service runs (stop is a check: clean exit 0 after SIGTERM).
set -uo pipefail
HOSTILE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RAW="python3 $HOSTILE_DIR/raw.py"
# shellcheck source=tests/lib/test-lib.sh
. "$HOSTILE_DIR/../lib/test-lib.sh"
[[ -n ${SL_BIN:-} ]] || { not_ok "SL_BIN set" "SL_BIN must name the directory of the service binaries"; finish; }
# Known open findings: a listed check that fails is shown as a skip (known
# failure, see SECURITY.md); one that passes fails the run, so that its line
# is removed as soon as the fix lands.
known_failures "$HOSTILE_DIR/known-findings.txt"
SVC_PID=
at_exit '[[ -z $SVC_PID ]] || { kill "$SVC_PID" 2>/dev/null; wait "$SVC_PID" 2>/dev/null; }'

# start SVC ARGS...: runs $SL_BIN/SVC on a free port (PORT) with ARGS, logs
# to $TL_TMP/SVC.log, waits until /healthz answers (at most 10 s).
start() {
  local svc=$1; shift
  PORT=$(free_port)
  "$SL_BIN/$svc" --listen=127.0.0.1 --port="$PORT" --log-format=text "$@" >"$TL_TMP/$svc.log" 2>&1 &
  SVC_PID=$!
  for _ in $(seq 100); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null; then return 0; fi
    kill -0 "$SVC_PID" 2>/dev/null || break
    sleep 0.1
  done
  not_ok "start $svc" "not ready on port $PORT within 10 s: $(tail -n 20 "$TL_TMP/$svc.log")"
  return 1
}
# stop: SIGTERM, wait; a sanitizer report in the log (SANITIZE=1 builds)
# or an exit status other than 0 counts as a failure.
stop() {
  local rc log
  kill "$SVC_PID" 2>/dev/null; wait "$SVC_PID" 2>/dev/null; rc=$?; SVC_PID=
  for log in "$TL_TMP"/*.log; do
    if grep -qE 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$log"; then
      not_ok "sanitizer report in $(basename "$log")" "$(grep -m 5 -E 'Sanitizer|runtime error' "$log")"
    fi
  done
  if [[ $rc -eq 0 ]]; then ok "clean exit 0 after SIGTERM"; else not_ok "clean exit 0 after SIGTERM" "exit status $rc"; fi
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
  else not_ok "$d" "got '$got', want $want"; fi
}
