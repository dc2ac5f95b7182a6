#!/usr/bin/env bash
# slow_clients.sh: slowloris-style clients (half a request line, or a
# request line and half the headers, then silence) are disconnected within
# --conn-timeout, and normal clients are served meanwhile.
# Bugs caught: no timeout on idle connections (a connection and its memory
# held forever), a slow client blocking the event loop, the listener or
# other clients.
source "$(dirname "$0")/common.sh"

TIMEOUT=2
start hello --conn-timeout=$TIMEOUT --max-conns-per-ip=64 || finish

# 10 connections with half a request line, 10 with half the headers.
$RAW hold "$PORT" 10 --partial 'GET /heal' --timeout $((TIMEOUT + 8)) >"$TL_TMP/line.out" 2>"$TL_TMP/line.err" &
h1=$!
$RAW hold "$PORT" 10 --partial $'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ' --timeout $((TIMEOUT + 8)) >"$TL_TMP/head.out" 2>"$TL_TMP/head.err" &
h2=$!
for _ in $(seq 50); do grep -q ready "$TL_TMP/line.err" && grep -q ready "$TL_TMP/head.err" && break; sleep 0.1; done

# Normal clients meanwhile: each answered quickly.
slow=0
for i in $(seq 5); do
  t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 "http://127.0.0.1:$PORT/")
  [[ ${t%% *} == 200 ]] && awk -v s="${t#* }" 'BEGIN{exit !(s < 1)}' || { slow=1; echo "     request $i: $t"; }
done
check "5 normal requests answered 200 in < 1 s each while 20 slow clients hang" test $slow -eq 0
wait $h1 $h2

for f in line head; do
  n=$(grep -c '^closed' "$TL_TMP/$f.out")
  late=$(awk -v max=$((TIMEOUT + 2)) '$1=="closed" && $2 > max' "$TL_TMP/$f.out" | wc -l)
  early=$(awk -v min=$((TIMEOUT - 1)) '$1=="closed" && $2 < min' "$TL_TMP/$f.out" | wc -l)
  check "all 10 '$f' slow clients closed by the server (got $n)" test "$n" -eq 10
  check "'$f' slow clients closed within ${TIMEOUT}+2 s, not before ${TIMEOUT}-1 s (late $late, early $early)" \
    test "$late" -eq 0 -a "$early" -eq 0
done
check "server still healthy" alive
stop
finish
