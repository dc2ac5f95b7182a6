#!/usr/bin/env bash
# Integration test of the link emulator (build/bench/bin/linkemu):
#  - its self-test delivers each profile of benchmarks/profiles.conf (except
#    loopback) within +-10 % of the target rate and RTT (the RTT above the
#    path's own base, see 1.);
#  - the relay really relays: half-close propagation, 20 concurrent
#    connections, reset when the target is down, ready file, usage errors,
#    clean exit on SIGTERM.
# Ends with the closing line of tests/lib/test-lib.sh; exit 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
LINKEMU=${LINKEMU:-build/bench/bin/linkemu}
PROFILES=${PROFILES:-benchmarks/profiles.conf}
# shellcheck source=tests/lib/test-lib.sh
. tests/lib/test-lib.sh
tmp=$TL_TMP
pids=()
at_exit 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done'

[[ -x $LINKEMU ]] || { not_ok "$LINKEMU built" "not built (make benchtools)"; finish; }

# 1. self-test per profile. A profile that misses the +-10 % band is tried
# once more (the machine is shared; the band itself is not widened) and
# both lines are printed. The rate must be within +-10 %. The RTT must be
# within +-10 % of the target either end to end, or above the path's own
# base: the min RTT of the same relayed loopback path with no delay (four
# hops and their wake-ups, 0.1-0.3 ms on two busy cores), measured here and
# printed. That is what an emulator adds, as netem adds to a link's own
# latency; it only matters for sub-millisecond-scale targets (datacenter).
within10() { awk -v m="$1" -v t="$2" 'BEGIN { d = m - t; if (d < 0) d = -d; exit !(d <= 0.1 * t) }'; }
judge() { # LINE NAME RATE
  local line=$1 name=$2 rate=$3 f base
  IFS=, read -r -a f <<< "$line"
  within10 "${f[1]}" "${f[0]}" || return 1
  [[ ${f[4]} == ok ]] && { echo "within 10%"; return 0; }
  base=$("$LINKEMU" --selftest --rate "$rate" --rtt 0 | cut -d, -f4) || return 1
  echo "     $name: base RTT of the path with no delay $base ms" >&2
  within10 "$(awk -v m="${f[3]}" -v b="$base" 'BEGIN { print m - b }')" "${f[2]}" || return 1
  echo "RTT within 10% above the path's base of $base ms"
}
while read -r name rate rtt; do
  [[ -z $name || $name == \#* ]] && continue
  # loopback: no rate to emulate (profiles.conf spells it "unlimited" now).
  if [[ $rate == none || $rate == unlimited ]]; then skip "selftest $name" "rate $rate: nothing to emulate"; continue; fi
  line=$("$LINKEMU" --selftest --rate "$rate" --rtt "$rtt") || { not_ok "selftest $name: exit $?"; continue; }
  echo "     $name: $line"
  if ! verdict=$(judge "$line" "$name" "$rate"); then
    line=$("$LINKEMU" --selftest --rate "$rate" --rtt "$rtt") || { not_ok "selftest $name: exit $?"; continue; }
    echo "     $name (second try): $line"
    verdict=$(judge "$line" "$name" "$rate") || verdict=''
  fi
  if [[ -n $verdict ]]; then ok "selftest $name $verdict ($line)"; else not_ok "selftest $name off target ($line)"; fi
done < "$PROFILES"

# 2. relay behaviour against a small Python server: reads until EOF (so the
# client's half-close must reach it), answers "got N", closes.
cat > "$tmp/srv.py" <<'PY'
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(64)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
def serve(c):
    n = 0
    while True:
        b = c.recv(65536)
        if not b: break
        n += len(b)
    c.sendall(b"got %d\n" % n); c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
cat > "$tmp/cli.py" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
c = socket.create_connection(("127.0.0.1", port), timeout=10)
c.sendall(b"x" * n); c.shutdown(socket.SHUT_WR)
out = b""
while True:
    b = c.recv(4096)
    if not b: break
    out += b
sys.stdout.write(out.decode())
PY
python3 "$tmp/srv.py" "$tmp/srvport" & pids+=($!)
for _ in $(seq 50); do [[ -s $tmp/srvport ]] && break; sleep 0.1; done
sport=$(cat "$tmp/srvport")
"$LINKEMU" --listen 127.0.0.1:0 --target "127.0.0.1:$sport" --rate 50mbit --rtt 10ms \
  --ready-file "$tmp/leport" > "$tmp/le.out" & lepid=$!; pids+=("$lepid")
for _ in $(seq 50); do [[ -s $tmp/leport ]] && break; sleep 0.1; done
lport=$(cat "$tmp/leport" 2>/dev/null)
if [[ -n $lport && $(head -1 "$tmp/le.out") == "ready $lport" ]]; then ok "ready line and ready file agree (port $lport)"; else not_ok "ready signal (file '$lport', stdout '$(head -1 "$tmp/le.out")')"; fi

got=$(python3 "$tmp/cli.py" "$lport" 300000)
if [[ $got == "got 300000" ]]; then ok "half-close reaches the target, reply comes back"; else not_ok "half-close: '$got'"; fi

cpids=()
for i in $(seq 20); do python3 "$tmp/cli.py" "$lport" $((i * 1000)) > "$tmp/c$i" & cpids+=($!); done
wait "${cpids[@]}"
wait_ok=1
for i in $(seq 20); do [[ $(cat "$tmp/c$i") == "got $((i * 1000))" ]] || wait_ok=0; done
if ((wait_ok)); then ok "20 concurrent connections each get their own bytes"; else not_ok "concurrent connections mixed up or lost"; fi

# 3. delay: a round trip through a 10 ms relay takes >= 10 ms (handshake
# emulation adds one more RTT on a new connection: >= 20 ms in all).
t0=$(date +%s%N); python3 "$tmp/cli.py" "$lport" 1 >/dev/null; t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
if (( ms >= 20 )); then ok "new connection + round trip took ${ms} ms (>= 20)"; else not_ok "round trip too fast: ${ms} ms"; fi

# 4. target down: the client sees the connection fail, the relay survives.
"$LINKEMU" --listen 127.0.0.1:0 --target 127.0.0.1:1 --rate 0 --rtt 0 --ready-file "$tmp/le2port" >/dev/null & le2=$!; pids+=("$le2")
for _ in $(seq 50); do [[ -s $tmp/le2port ]] && break; sleep 0.1; done
if python3 "$tmp/cli.py" "$(cat "$tmp/le2port")" 10 >/dev/null 2>&1; then out=clean; else out=error; fi
if [[ $out == error ]] && kill -0 "$le2" 2>/dev/null; then ok "dead target: client gets an error, relay keeps running"; else not_ok "dead target: client saw '$out'"; fi
kill "$le2"; wait "$le2" 2>/dev/null

# 5. usage errors exit 2 with a message.
"$LINKEMU" --listen 127.0.0.1:0 --target 127.0.0.1:1 --rate 100 --rtt 1ms 2>"$tmp/err"; rc=$?
if [[ $rc == 2 ]] && grep -q "missing unit" "$tmp/err"; then ok "bad rate: exit 2, message"; else not_ok "bad rate: exit $rc, '$(cat "$tmp/err")'"; fi
"$LINKEMU" --selftest --rate 1mbit 2>"$tmp/err"; rc=$?
if [[ $rc == 2 ]] && grep -q "missing --rtt" "$tmp/err"; then ok "missing --rtt: exit 2"; else not_ok "missing --rtt: exit $rc"; fi

# 6. SIGTERM: clean exit 0.
kill -TERM "$lepid"; wait "$lepid"; rc=$?
if [[ $rc == 0 ]]; then ok "SIGTERM: exit 0"; else not_ok "SIGTERM: exit $rc"; fi

finish
