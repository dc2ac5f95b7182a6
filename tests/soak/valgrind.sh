#!/usr/bin/env bash
# valgrind.sh: each native service under valgrind memcheck through a short,
# bounded load of valid and invalid requests, then a clean SIGTERM stop.
# Passes when memcheck reports 0 errors, 0 bytes definitely lost and 0 bytes
# indirectly lost, and the service exits 0 after its drain.
# Bugs caught: leaks on any request path (error paths included), use of
# uninitialized memory, invalid reads/writes, a shutdown that leaks or hangs.
#   SL_BIN        directory of the binaries (make check-leaks sets it)
#   LEAK_REQUESTS requests per kind and service (default 20)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/lib/test-lib.sh
. tests/lib/test-lib.sh
[[ -n ${SL_BIN:-} ]] || { not_ok "SL_BIN set" "SL_BIN must name the directory of the service binaries"; finish; }
N=${LEAK_REQUESTS:-20}
RAW="python3 tests/hostile/raw.py"
TMP=$TL_TMP
PID=
at_exit '[[ -z $PID ]] || kill -KILL "$PID" 2>/dev/null'
command -v valgrind >/dev/null || { not_ok "valgrind installed" "valgrind is not installed (scripts/deps.sh)"; finish; }

# urls N PATH...: N copies of each URL, for one curl --parallel run.
urls() { local n=$1; shift; for _ in $(seq "$n"); do for p in "$@"; do echo "url = \"http://127.0.0.1:$PORT$p\""; echo 'output = "/dev/null"'; done; done; }

load() { # load SVC: the service's requests, in parallel (4 at a time)
  local svc=$1
  case $svc in
    hello) urls "$N" / /nope /healthz /readyz /metrics /version >"$TMP/cfg" ;;
    whoami) urls "$N" / /api '/?wait=5ms' '/data?size=1KiB' '/data?size=x' /api/x >"$TMP/cfg" ;;
    notes) urls "$N" /notes '/notes?limit=2' /notes/1 /notes/999999 /notes/abc '/notes?limit=0' >"$TMP/cfg" ;;
  esac
  curl -s --no-progress-meter --parallel --parallel-max 4 --max-time 30 -K "$TMP/cfg" || true
  local i
  for i in $(seq "$N"); do
    case $svc in
      hello) curl -s -o /dev/null --max-time 10 --data-binary "echo $i" "http://127.0.0.1:$PORT/echo" ;;
      whoami) curl -s -o /dev/null --max-time 10 -H "X-Evil: $(printf 'a\001\377')" -H 'Accept: application/json' "http://127.0.0.1:$PORT/"
        # gone while its answer waits (deferred): nothing may leak
        [[ $((i % 5)) -eq 0 ]] && curl -s -o /dev/null --max-time 0.2 "http://127.0.0.1:$PORT/?wait=600ms" ;;
      notes)
        curl -s -o /dev/null --max-time 10 -H 'Content-Type: application/json' --data-binary "{\"title\":\"t$i\",\"body\":\"b\"}" "http://127.0.0.1:$PORT/notes"
        curl -s -o /dev/null --max-time 10 -X PUT -H 'Content-Type: application/json' --data-binary '{"title":"u","body":"v"}' "http://127.0.0.1:$PORT/notes/$i"
        curl -s -o /dev/null --max-time 10 -H 'Content-Type: application/json' --data-binary '{"title":1}' "http://127.0.0.1:$PORT/notes"
        [[ $((i % 2)) -eq 0 ]] && curl -s -o /dev/null --max-time 10 -X DELETE "http://127.0.0.1:$PORT/notes/$i" ;;
    esac
  done
  # Broken clients on every service: oversized body, bad chunk, slow client cut.
  printf 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\nabc' | $RAW send "$PORT" --timeout 5 >/dev/null
  printf 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n' | $RAW send "$PORT" --timeout 5 >/dev/null
  printf 'GET / HTTP/1.1\r\nHost: x\r\nX-A: %s\r\n\r\n' "$(head -c 40000 /dev/zero | tr '\0' a)" | $RAW send "$PORT" --timeout 5 >/dev/null
  $RAW hold "$PORT" 2 --timeout 4 >/dev/null 2>&1
}

for svc in hello whoami notes; do
  PORT=$(free_port)
  extra=(); [[ $svc == notes ]] && extra=(--db="$TMP/notes.db")
  vlog=$TMP/$svc.valgrind
  start=$(date +%s)
  valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --track-origins=yes --log-file="$vlog" \
    "$SL_BIN/$svc" --listen=127.0.0.1 --port="$PORT" --log-format=text \
    --conn-timeout=2 --shutdown-grace=20 "${extra[@]}" >"$TMP/$svc.log" 2>&1 &
  PID=$!
  ready=0
  for _ in $(seq 300); do
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/readyz" 2>/dev/null && { ready=1; break; }
    kill -0 $PID 2>/dev/null || break
    sleep 0.1
  done
  if [[ $ready -ne 1 ]]; then cat "$vlog" "$TMP/$svc.log" | tail -20; not_ok "$svc ready under valgrind" "not ready within 30 s"; PID=; continue; fi
  load "$svc"
  served=$(curl -s --max-time 10 "http://127.0.0.1:$PORT/metrics" | awk '/^http_requests_total/ {s += $NF} END {print s + 0}')
  kill -TERM $PID
  wait $PID; rc=$?
  PID=
  secs=$(( $(date +%s) - start ))
  errors=$(grep -c '^==[0-9]*== [A-Z].*' "$vlog" || true)
  echo "     $svc: ${served} requests counted by /metrics, ${secs} s under valgrind, exit $rc"
  if [[ $rc -eq 0 ]]; then ok "$svc: exit 0 after SIGTERM, memcheck clean (no error, no definite/indirect leak)"
  else head -n 60 "$vlog"; not_ok "$svc: exit 0 after SIGTERM, memcheck clean" "exit $rc (99 = memcheck errors or leaks)"; fi
  if [[ $errors -eq 0 ]]; then ok "$svc: valgrind log empty (--quiet)"
  else not_ok "$svc: valgrind log empty (--quiet)" "valgrind reported $errors lines"; fi
done
finish
