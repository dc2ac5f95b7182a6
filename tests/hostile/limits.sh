#!/usr/bin/env bash
# limits.sh: oversized requests and connection floods against hello.
# - headers larger than --conn-memory: 431, request line too long: 414, the
#   server stays up (bug caught: unbounded header buffers, a crash on OOM);
# - a body announced over --max-body gets 413 at once, without the server
#   waiting for it (bug caught: reading a huge body before refusing it);
# - a chunked body that grows past --max-body gets 413;
# - more connections from one address than --max-conns-per-ip are refused
#   while /healthz from another loopback address keeps answering; at
#   --max-conns in total new connections are refused, and the server serves
#   again once the flood ends (bug caught: missing limits, exhaustion,
#   a server that does not recover).
source "$(dirname "$0")/common.sh"

PER_IP=4 TOTAL=12 MEM=8192 BODY=1024
start hello --conn-memory=$MEM --max-body=$BODY --max-conns-per-ip=$PER_IP \
  --max-conns=$TOTAL --conn-timeout=30 || finish

big=$(head -c $((MEM * 2)) /dev/zero | tr '\0' a)
expect_raw "header of $((MEM * 2)) bytes > --conn-memory=$MEM" \
  "GET / HTTP/1.1\r\nHost: x\r\nX-Big: $big\r\n\r\n" '431'
expect_raw "request line of $((MEM * 2)) bytes" "GET /$big HTTP/1.1\r\nHost: x\r\n\r\n" '414'
check "alive after oversized headers" alive

# Content-Length: 1 GB, only 3 bytes sent: the answer must not wait for the rest.
got=$(raw "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\nabc" --timeout 5)
check "Content-Length 1e9 with 3 bytes sent -> 413 in < 1 s (got '$got')" \
  awk -v s="${got%% *}" -v t="${got#* }" 'BEGIN{exit !(s == 413 && t < 1)}'
expect_raw "Content-Length max-body+1" \
  "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: $((BODY + 1))\r\n\r\nabc" '413'
chunk=$(head -c 1000 /dev/zero | tr '\0' b)
expect_raw "chunked body of 2000 bytes > --max-body=$BODY" \
  "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n$chunk\r\n3e8\r\n$chunk\r\n0\r\n\r\n" '413'
expect_raw "body within the limit still echoed" \
  "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc" '200'
check "alive after oversized bodies" alive

# Per-IP limit: fill it from 127.0.0.2, probe from 127.0.0.1.
$RAW hold "$PORT" $PER_IP --bind 127.0.0.2 --timeout 6 >"$TL_TMP/ip.out" 2>"$TL_TMP/ip.err" &
holder=$!
for _ in $(seq 50); do grep -q ready "$TL_TMP/ip.err" && break; sleep 0.1; done
sleep 0.3
got=$(raw "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" --bind 127.0.0.2 --timeout 3)
check "connection $((PER_IP + 1)) from 127.0.0.2 refused (got '${got%% *}')" \
  test "${got%% *}" != 200
check "/healthz from 127.0.0.1 answers while 127.0.0.2 is at its limit" \
  test "$(status /healthz)" = 200
kill $holder 2>/dev/null; wait $holder 2>/dev/null

# Total limit: $TOTAL connections from three addresses, each under PER_IP.
holders=()
for a in 127.0.0.3 127.0.0.4 127.0.0.5; do
  $RAW hold "$PORT" $PER_IP --bind $a --timeout 6 >"$TL_TMP/t$a.out" 2>"$TL_TMP/t$a.err" &
  holders+=($!)
done
for a in 127.0.0.3 127.0.0.4 127.0.0.5; do
  for _ in $(seq 50); do grep -q ready "$TL_TMP/t$a.err" && break; sleep 0.1; done
done
sleep 0.3
got=$(raw "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" --bind 127.0.0.6 --timeout 3)
check "at --max-conns=$TOTAL a new connection is refused (got '${got%% *}')" test "${got%% *}" != 200
kill "${holders[@]}" 2>/dev/null; wait "${holders[@]}" 2>/dev/null
ok_again=0
for _ in $(seq 30); do [[ $(status /healthz) == 200 ]] && { ok_again=1; break; }; sleep 0.2; done
check "serves /healthz again once the flood is gone" test $ok_again -eq 1
check "server process still running" kill -0 "$SVC_PID"
stop
finish
