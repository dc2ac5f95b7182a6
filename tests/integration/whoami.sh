#!/usr/bin/env bash
# whoami.sh: the whoami service over real HTTP against the real binary:
# the text echo with custom and hostile headers, /api JSON (checked with
# jq), Accept negotiation, /data byte counts and every bad size, ?wait=
# timing and bad waits, 404/405/HEAD, option errors, and SIGTERM during a
# ?wait=2s request (completes with 200, exit 0: proves the layer's drain).
. "$(dirname "$0")/lib.sh"

W=$SL_BIN/whoami
MAX_DATA=2097152
MAX_WAIT=5000

command -v jq >/dev/null || { not_ok "jq is installed (scripts/deps.sh test)"; finish; }

# Elapsed milliseconds of a curl run: curl's time_total (seconds) * 1000.
ms_of() { awk -v t="$1" 'BEGIN { printf "%d", t * 1000 }'; }

# ---- command line ---------------------------------------------------------
expect_exit "--help exits 0" 0 "$W" --help
expect_contains "--help lists --max-data with its env var" "WHOAMI_MAX_DATA" "$(cat "$TL_TMP/out")"
expect_contains "--help lists --max-wait with its env var" "WHOAMI_MAX_WAIT" "$(cat "$TL_TMP/out")"
expect_exit "non-numeric --max-data exits 2" 2 "$W" --max-data 16MiB
expect_contains "bad --max-data names the flag" 'invalid --max-data "16MiB"' "$(cat "$TL_TMP/out")"
expect_exit "--max-data above 1 GiB exits 2" 2 "$W" --max-data 1073741825
expect_exit "bad WHOAMI_MAX_WAIT exits 2" 2 env WHOAMI_MAX_WAIT=-1 "$W"
expect_contains "bad WHOAMI_MAX_WAIT names the variable" 'invalid WHOAMI_MAX_WAIT "-1"' "$(cat "$TL_TMP/out")"

# ---- a running server -----------------------------------------------------
sl_start whoami --listen 127.0.0.1 --max-data "$MAX_DATA" --max-wait "$MAX_WAIT" --log-format text || finish
url=$SL_URL

# GET /: text, request facts, custom headers in order, hostile values.
_sl_fetch -H 'X-One: 1' -H 'X-Two: second "value" \ here' -H 'X-One: again' \
  -H $'X-Ctl: a\x01b\x1b[31m' -H $'X-Bin: caf\xc3\xa9 \xff' "$url/?x=1&y=a%20b&flag"
body=$(cat "$TL_TMP/b")
expect_eq "GET / is 200" 200 "$_sl_code"
expect_contains "GET / is text/plain utf-8" "Content-Type: text/plain; charset=utf-8" "$(tr -d '\r' <"$TL_TMP/h")"
expect_contains "text names the host" "Hostname: $(hostname)" "$body"
expect_contains "text lists the loopback address with its interface" "IP: lo 127.0.0.1" "$body"
expect_contains "text names the remote address and port" "RemoteAddr: 127.0.0.1:" "$body"
expect_contains "text names the method" $'\nMethod: GET\n' "$body"
expect_contains "text shows the URL with its query" $'\nURL: /?x=1&y=a%20b&flag\n' "$body"
expect_contains "text names the protocol" $'\nProtocol: HTTP/1.1\n' "$body"
expect_contains "text echoes custom headers in received order, repeats kept" \
  $'\nX-One: 1\nX-Two: second "value" \\\\ here\nX-One: again\n' "$body"
expect_contains "text escapes control bytes in a value" 'X-Ctl: a\x01b\x1b[31m' "$body"
expect_contains "text keeps valid UTF-8, escapes invalid bytes" $'X-Bin: caf\xc3\xa9 \\xff' "$body"
if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$TL_TMP/b"; then
  not_ok "text body holds no raw control byte"
else
  ok "text body holds no raw control byte"
fi
expect_contains "text lists the Host header" "Host: 127.0.0.1:$SL_PORT" "$body"

# /api: JSON, checked by jq.
_sl_fetch -H 'X-Quote: a"b\c' -H $'X-Bad: \xff\xfe' -H 'X-One: 1' "$url/api?k=v"
expect_eq "/api is 200" 200 "$_sl_code"
expect_contains "/api is application/json" "Content-Type: application/json" "$(tr -d '\r' <"$TL_TMP/h")"
if jq -e . "$TL_TMP/b" >/dev/null 2>&1; then ok "/api body is valid JSON"; else not_ok "/api body is valid JSON" "$(head -c 300 "$TL_TMP/b")"; fi
expect_eq "/api hostname" "$(hostname)" "$(jq -r .hostname "$TL_TMP/b")"
expect_eq "/api method, url, protocol" "GET /api?k=v HTTP/1.1" "$(jq -r '"\(.method) \(.url) \(.protocol)"' "$TL_TMP/b")"
expect_eq "/api remote address" "127.0.0.1" "$(jq -r .remote_addr "$TL_TMP/b")"
expect_eq "/api remote port is a number" "number" "$(jq -r '.remote_port | type' "$TL_TMP/b")"
expect_eq "/api lists lo 127.0.0.1 as ipv4" "ipv4" \
  "$(jq -r '.addresses[] | select(.interface == "lo" and .address == "127.0.0.1") | .family' "$TL_TMP/b")"
expect_eq "/api keeps a quote and a backslash exactly" 'a"b\c' \
  "$(jq -r '.headers[] | select(.name == "X-Quote") | .value' "$TL_TMP/b")"
expect_eq "/api replaces invalid UTF-8 with U+FFFD" $'\xef\xbf\xbd\xef\xbf\xbd' \
  "$(jq -r '.headers[] | select(.name == "X-Bad") | .value' "$TL_TMP/b")"
expect_eq "/api headers keep received order" "X-Quote X-Bad X-One" \
  "$(jq -r '[.headers[].name | select(startswith("X-"))] | join(" ")' "$TL_TMP/b")"

# Accept negotiation on /.
expect_header "Accept: application/json on / gives JSON" Content-Type '^application/json' -H 'Accept: application/json' "$url/"
if jq -e '.url == "/"' "$TL_TMP/b" >/dev/null 2>&1; then ok "negotiated JSON parses"; else not_ok "negotiated JSON parses"; fi
expect_header "Accept: */* on / gives text" Content-Type '^text/plain' -H 'Accept: */*' "$url/"
expect_header "a browser's Accept gives text" Content-Type '^text/plain' \
  -H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' "$url/"
expect_header "JSON preferred by q gives JSON" Content-Type '^application/json' \
  -H 'Accept: text/plain;q=0.5, application/json' "$url/"
expect_header "/ varies on Accept" Vary '^Accept$' "$url/"

# /data: exact byte counts.
for n in 0 1 1048576 "$MAX_DATA"; do
  _sl_fetch "$url/data?size=$n"
  expect_eq "/data?size=$n is 200" 200 "$_sl_code"
  expect_eq "/data?size=$n sends exactly $n bytes" "$n" "$(wc -c <"$TL_TMP/b")"
done
expect_eq "/data body is zero bytes" 0 "$(tr -d '\0' <"$TL_TMP/b" | wc -c)"
expect_header "/data is application/octet-stream" Content-Type '^application/octet-stream$' "$url/data?size=1"
expect_header "/data?size=1KiB has Content-Length 1024" Content-Length '^1024$' "$url/data?size=1KiB"
expect_header "HEAD /data?size=100 has Content-Length 100" Content-Length '^100$' -I "$url/data?size=100"
# Raw HTTP/1.0 HEAD: anything after the blank line would be a body (curl -I
# cannot tell, it prints the headers as its output).
raw_head() {
  local path=$1
  (exec 3<>"/dev/tcp/127.0.0.1/$SL_PORT"; printf 'HEAD %s HTTP/1.0\r\n\r\n' "$path" >&3; cat <&3)
}
raw=$(raw_head "/data?size=100")
expect_contains "raw HEAD /data is 200" " 200 OK" "$raw"
expect_eq "HEAD /data sends no body" "" "$(printf %s "$raw" | tr -d '\r' | sed '1,/^$/d')"

# /data: every bad size is a 400 naming the problem.
bad_size() {
  local q=$1 msg=$2
  expect_status "/data$q is 400" 400 "$url/data$q"
  expect_contains "/data$q says: $msg" "$msg" "$(cat "$TL_TMP/b")"
}
bad_size "?size=$((MAX_DATA + 1))" "invalid size: $((MAX_DATA + 1)) bytes exceeds the maximum of $MAX_DATA bytes (--max-data, WHOAMI_MAX_DATA)"
bad_size "?size=1GiB" "exceeds the maximum of $MAX_DATA bytes"
bad_size "" "missing size: use /data?size=N"
bad_size "?size=" "invalid size: empty value"
bad_size "?size=-1" "invalid size: negative value"
bad_size "?size=abc" "invalid size: expected decimal digits"
bad_size "?size=%2B5" "invalid size: expected decimal digits"
bad_size "?size=12abc" "invalid size: unknown unit"
bad_size "?size=1.5" "invalid size: fractions are not supported"
bad_size "?size=18446744073709551616" "invalid size: value too large"
bad_size "?size=99999999999999999999999" "invalid size: value too large"

# ?wait=: timing and bad values.
out=$(sl_curl -o /dev/null -D "$TL_TMP/wh" -w '%{http_code} %{time_total}' "$url/?wait=300ms")
expect_eq "?wait=300ms is 200" 200 "${out% *}"
ms=$(ms_of "${out#* }")
if [[ $ms -ge 300 ]]; then ok "?wait=300ms takes at least 300 ms ($ms ms)"; else not_ok "?wait=300ms takes at least 300 ms" "$ms ms"; fi
waited=$(tr -d '\r' <"$TL_TMP/wh" | sed -n 's/^X-Whoami-Waited-Ms: //p')
if [[ $waited =~ ^[0-9]+$ && $waited -ge 300 ]]; then ok "?wait= reports the time waited ($waited ms)"; else not_ok "?wait= reports the time waited" "X-Whoami-Waited-Ms: '$waited'"; fi
out=$(sl_curl -o /dev/null -w '%{time_total}' "$url/api?wait=1s")
ms=$(ms_of "$out")
if [[ $ms -ge 1000 ]]; then ok "/api?wait=1s takes at least 1 s ($ms ms)"; else not_ok "/api?wait=1s takes at least 1 s" "$ms ms"; fi
bad_wait() {
  local q=$1 msg=$2
  expect_status "/?wait=$q is 400" 400 "$url/?wait=$q"
  expect_contains "/?wait=$q says: $msg" "$msg" "$(cat "$TL_TMP/b")"
}
bad_wait "$((MAX_WAIT + 1))" "invalid wait: $((MAX_WAIT + 1)) ms exceeds the maximum of $MAX_WAIT ms (--max-wait, WHOAMI_MAX_WAIT)"
bad_wait "6s" "invalid wait: 6000 ms exceeds the maximum of $MAX_WAIT ms"
bad_wait "" "invalid duration: empty value"
bad_wait "soon" "invalid duration: expected decimal digits"
bad_wait "-5" "invalid duration: negative value"
bad_wait "2h" "invalid duration: unknown unit"
bad_wait "1.5s" "invalid duration: fractions are not supported"
t0=$(date +%s%N)
expect_status "a bad wait answers at once" 400 "$url/?wait=9999999999999999999999"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [[ $ms -lt 1000 ]]; then ok "an overflowing wait is refused without waiting ($ms ms)"; else not_ok "an overflowing wait is refused without waiting" "$ms ms"; fi

# Routing, methods, HEAD.
expect_status "unknown path is 404" 404 "$url/nope"
expect_status "/api/ (trailing slash) is 404" 404 "$url/api/"
expect_status "POST / is 405" 405 -X POST "$url/"
expect_header "405 on / allows GET" Allow 'GET' -X POST "$url/"
expect_status "DELETE /data is 405" 405 -X DELETE "$url/data?size=1"
expect_status "HEAD / is 200" 200 -I "$url/"
raw=$(raw_head "/")
expect_contains "raw HEAD / is 200" " 200 OK" "$raw"
expect_eq "HEAD / sends no body" "" "$(printf %s "$raw" | tr -d '\r' | sed '1,/^$/d')"
expect_status "the layer's /healthz is there" 200 "$url/healthz"

sl_stop
expect_eq "SIGTERM when idle: exit 0" 0 "$SL_EXIT"

# ---- IPv6 peer ------------------------------------------------------------
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then
  SL_PORT=$(free_port)
  sl_start_nowait whoami --listen ::1 --port "$SL_PORT"
  if sl_wait_ready "http://[::1]:$SL_PORT"; then
    body=$(sl_curl -g "http://[::1]:$SL_PORT/")
    expect_contains "an IPv6 peer shows as [::1]:port" "RemoteAddr: [::1]:" "$body"
    sl_stop
  else
    not_ok "whoami listens on ::1" "see $SL_LOG"
  fi
else
  echo "skip - no IPv6 on lo: IPv6 peer test not run"
fi

# ---- /data streams: peak memory stays flat for a big answer --------------
# VmHWM (peak RSS) before and after a 16 MiB answer: a body buffered in
# memory (malloc + fill, or memset by calloc) raises it by ~16 MiB, a
# streamed one by a block. Allowed growth: 4 MiB.
BIG=16777216
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
sl_start whoami --listen 127.0.0.1 --max-data "$BIG" || finish
sl_curl -o /dev/null "$SL_URL/data?size=1048576"   # warm up a connection thread
h0=$(hwm_kb "$SL_PID")
_sl_fetch "$SL_URL/data?size=$BIG"
h1=$(hwm_kb "$SL_PID")
expect_eq "/data?size=$BIG sends exactly $BIG bytes" "$BIG" "$(wc -c <"$TL_TMP/b")"
grow=$((h1 - h0))
if [[ $grow -lt 4096 ]]; then ok "/data?size=$BIG: peak RSS grew by $grow KiB (< 4096)"; else not_ok "/data?size=$BIG: peak RSS grew by less than 4 MiB" "$h0 KiB -> $h1 KiB"; fi
sl_stop
expect_eq "big /data server: exit 0" 0 "$SL_EXIT"

# ---- waits are deferred, not slept --------------------------------------
# 100 concurrent ?wait=2s requests on a server with one event loop thread:
# no thread per waiting request (the process's thread count stays where it
# was), the in-flight gauge counts them (suspended requests are in flight),
# a request without a wait is answered meanwhile, and every wait completes
# with 200 after its 2 s.
threads_of() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }
sl_start whoami --listen 127.0.0.1 --threads 1 --max-conns 512 --max-conns-per-ip 512 || finish
sl_curl -o /dev/null "$SL_URL/?wait=1ms"   # starts the layer's timer thread
t0=$(threads_of "$SL_PID")
N=100
for i in $(seq $N); do echo "url = \"$SL_URL/?wait=2s&i=$i\""; echo 'output = "/dev/null"'; done >"$TL_TMP/waits.cfg"
curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max $N --max-time 20 -w '%{http_code}\n' -K "$TL_TMP/waits.cfg" >"$TL_TMP/waits.codes" &
cpid=$!
inflight=0
for _ in $(seq 40); do
  inflight=$(sl_curl "$SL_URL/metrics" | awk '/^http_requests_in_flight/ { print $2 }')
  [[ ${inflight:-0} -gt $N ]] && break
  sleep 0.05
done
expect_eq "$N waiting requests (and /metrics itself) in flight" $((N + 1)) "$inflight"
expect_eq "$N waiting requests: no thread more" "$t0" "$(threads_of "$SL_PID")"
out=$(sl_curl -o /dev/null -w '%{http_code} %{time_total}' "$SL_URL/api")
expect_eq "a request without a wait is answered while $N wait" 200 "${out% *}"
ms=$(ms_of "${out#* }")
if [[ $ms -lt 1500 ]]; then ok "it is not held behind the 2 s waits ($ms ms)"; else not_ok "it is not held behind the 2 s waits" "$ms ms"; fi
wait "$cpid"
expect_eq "all $N waits answered 200" "$N" "$(grep -c '^200$' "$TL_TMP/waits.codes")"
sl_stop
expect_eq "after $N waits: exit 0" 0 "$SL_EXIT"

# ---- SIGTERM during ?wait=2s: the request completes, exit 0 ---------------
sl_start whoami --listen 127.0.0.1 --shutdown-grace 10 || finish
sl_curl -o "$TL_TMP/drain.body" -w '%{http_code} %{time_total}' "$SL_URL/?wait=2s" >"$TL_TMP/drain.out" 2>&1 &
cpid=$!
sleep 0.5
t0=$(date +%s%N)
sl_stop "$SL_PID" TERM
stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait "$cpid"
out=$(cat "$TL_TMP/drain.out")
expect_eq "SIGTERM during ?wait=2s: the request gets 200" 200 "${out% *}"
expect_contains "SIGTERM during ?wait=2s: the answer is complete" "Protocol: HTTP/1.1" "$(cat "$TL_TMP/drain.body")"
ms=$(ms_of "${out#* }")
if [[ $ms -ge 2000 ]]; then ok "the drained request waited its full 2 s ($ms ms)"; else not_ok "the drained request waited its full 2 s" "$ms ms"; fi
expect_eq "SIGTERM during ?wait=2s: exit 0" 0 "$SL_EXIT"
if [[ $stop_ms -ge 1000 ]]; then ok "the process stayed until the request ended ($stop_ms ms)"; else not_ok "the process stayed until the request ended" "$stop_ms ms"; fi
expect_contains "the log shows the drain" "draining" "$(cat "$SL_LOG")"

# ---- a wait longer than the grace is cut so that the drain succeeds ------
sl_start whoami --listen 127.0.0.1 --shutdown-grace 2 --max-wait 20000 || finish
sl_curl -D "$TL_TMP/cut.h" -o /dev/null -w '%{http_code} %{time_total}' "$SL_URL/?wait=15s" >"$TL_TMP/cut.out" 2>&1 &
cpid=$!
sleep 0.5
sl_stop "$SL_PID" TERM
wait "$cpid"
out=$(cat "$TL_TMP/cut.out")
expect_eq "wait beyond the grace: the request still gets 200" 200 "${out% *}"
expect_contains "wait beyond the grace: the answer says it was cut" "X-Whoami-Wait-Cut: draining" "$(tr -d '\r' <"$TL_TMP/cut.h")"
ms=$(ms_of "${out#* }")
if [[ $ms -lt 2500 ]]; then ok "wait beyond the grace: answered within the grace ($ms ms)"; else not_ok "wait beyond the grace: answered within the grace" "$ms ms"; fi
expect_eq "wait beyond the grace: exit 0, not a grace timeout" 0 "$SL_EXIT"

# ---- a suspended wait does not count as an idle connection ---------------
# --conn-timeout closes connections that send nothing; a request whose
# answer is deferred (suspended) is not idle, however long it waits.
sl_start whoami --listen 127.0.0.1 --conn-timeout 1 --max-wait 5000 || finish
out=$(sl_curl -o /dev/null -w '%{http_code} %{time_total}' "$SL_URL/?wait=2500ms")
expect_eq "--conn-timeout 1: a ?wait=2500ms request still gets 200" 200 "${out% *}"
ms=$(ms_of "${out#* }")
if [[ $ms -ge 2500 ]]; then ok "--conn-timeout 1: the suspended request waited its full 2.5 s ($ms ms)"; else not_ok "--conn-timeout 1: the suspended request waited its full 2.5 s" "$ms ms"; fi
sl_stop

# ---- as PID 1: a suspended wait drains, exit 0 ----------------------------
# In a PID namespace of its own (unshare --pid --fork: no Docker needed) the
# service is PID 1, which the kernel spares from signals it has no handler
# for; the blocked-signal design must still take SIGTERM, let the waiting
# request finish and exit 0.
if [[ $(id -u) == 0 ]] && unshare --pid --fork true 2>/dev/null; then
  SL_PORT=$(free_port)
  unshare --pid --fork "$W" --listen 127.0.0.1 --port "$SL_PORT" --shutdown-grace 10 >"$TL_TMP/pid1.log" 2>&1 &
  upid=$!
  SL_PIDS+=("$upid")
  if sl_wait_ready "http://127.0.0.1:$SL_PORT"; then
    inner=$(pgrep -P "$upid" | head -1)
    expect_eq "whoami is PID 1 in its namespace" 1 "$(awk '/^NSpid:/ { print $NF }' "/proc/$inner/status")"
    sl_curl -o "$TL_TMP/pid1.body" -w '%{http_code}' "http://127.0.0.1:$SL_PORT/?wait=1500ms" >"$TL_TMP/pid1.code" &
    cpid=$!
    sleep 0.3
    kill -TERM "$inner"
    wait "$cpid"
    expect_eq "PID 1: the waiting request completes with 200 after SIGTERM" 200 "$(cat "$TL_TMP/pid1.code")"
    if sl_wait_exit "$upid" 10; then
      expect_eq "PID 1: exit 0 after the drain" 0 "$SL_EXIT"
    else
      not_ok "PID 1: exited after SIGTERM" "still running"
    fi
  else
    not_ok "whoami as PID 1 became ready" "$(tail -3 "$TL_TMP/pid1.log")"
  fi
else
  echo "skip - no PID namespace (needs root): PID 1 drain not checked here (tests/images does, in the engine)"
fi

# ---- a wait on a kept-alive connection after SIGTERM ----------------------
# With --drain-delay 2 the server keeps serving for 2 s after SIGTERM (idle
# kept-alive connections would otherwise be closed at once). One
# connection: GET /healthz (kept alive), SIGTERM, 1.5 s later GET
# /?wait=15s on the same connection. The cut must count from the signal
# (grace 3 s, margin 1 s: answer by 2 s after it), not from the request's
# arrival (that would answer 3.5 s after the signal: the grace expires first,
# exit 1, no answer). Writes go through a subshell: a closed socket must not
# kill the script with SIGPIPE.
# read_response FD: reads one HTTP/1.1 response (headers to $TL_TMP/ka.h,
# body by Content-Length), 0 or 1 on timeout/EOF.
read_response() {
  local fd=$1 line len=0 body
  : >"$TL_TMP/ka.h"
  IFS= read -r -t 10 line <&"$fd" || return 1
  printf '%s\n' "${line%$'\r'}" >>"$TL_TMP/ka.h"
  while IFS= read -r -t 10 line <&"$fd"; do
    line=${line%$'\r'}
    [[ -z $line ]] && break
    printf '%s\n' "$line" >>"$TL_TMP/ka.h"
    [[ ${line,,} =~ ^content-length:\ *([0-9]+) ]] && len=${BASH_REMATCH[1]}
  done
  [[ $len -eq 0 ]] || read -r -t 10 -N "$len" body <&"$fd" || return 1
  return 0
}
sl_start whoami --listen 127.0.0.1 --shutdown-grace 3 --drain-delay 2 --max-wait 20000 || finish
exec 5<>"/dev/tcp/127.0.0.1/$SL_PORT"
(printf 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n' >&5) 2>/dev/null
if read_response 5 && grep -q ' 200 ' "$TL_TMP/ka.h"; then ok "kept-alive: first request 200"; else not_ok "kept-alive: first request 200" "$(cat "$TL_TMP/ka.h")"; fi
t0=$(date +%s%N)
kill -TERM "$SL_PID"
sleep 1.5
(printf 'GET /?wait=15s HTTP/1.1\r\nHost: t\r\n\r\n' >&5) 2>/dev/null
if read_response 5; then got=1; else got=0; fi
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
exec 5>&-
expect_eq "kept-alive after SIGTERM: the late wait is answered" 1 "$got"
expect_contains "kept-alive after SIGTERM: 200" " 200 " "$(head -1 "$TL_TMP/ka.h")"
expect_contains "kept-alive after SIGTERM: the wait says it was cut" "X-Whoami-Wait-Cut: draining" "$(cat "$TL_TMP/ka.h")"
if [[ $ms -lt 3000 ]]; then ok "kept-alive after SIGTERM: answered within the grace ($ms ms after the signal)"; else not_ok "kept-alive after SIGTERM: answered within the grace" "$ms ms after the signal"; fi
if sl_wait_exit "$SL_PID" 10; then
  expect_eq "kept-alive after SIGTERM: exit 0, not a grace timeout" 0 "$SL_EXIT"
else
  not_ok "kept-alive after SIGTERM: process ended"
fi

finish
