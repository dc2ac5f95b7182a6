#!/usr/bin/env bash
# run.sh: notes create and read throughput over HTTP (wrk + Lua) beside the
# same SQLite statements called directly in C (notes_direct), the same number
# of operations each, same pragmas (WAL, synchronous=FULL), same file system.
# A benchmark, not a test: it prints figures and fails only if a run fails.
#
# Environment (make bench-notes sets the first two):
#   NOTES_BIN         the notes binary            (default build/native/bin/notes)
#   NOTES_DIRECT      the direct C program        (default build/native/bench/notes_direct)
#   SECONDS_PER_CASE  wrk duration of each case   (default 10)
#   WRK_THREADS, WRK_CONNS                        (default 2, 8)
#   TITLE_BYTES, BODY_BYTES  note size            (default 20, 200)
#   BENCH_DIR         where the databases go      (default a new mktemp -d under /tmp)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
NOTES_BIN=${NOTES_BIN:-$root/build/native/bin/notes}
NOTES_DIRECT=${NOTES_DIRECT:-$root/build/native/bench/notes_direct}
SECONDS_PER_CASE=${SECONDS_PER_CASE:-10}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNS=${WRK_CONNS:-8}
export TITLE_BYTES=${TITLE_BYTES:-20} BODY_BYTES=${BODY_BYTES:-200}

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (scripts/deps.sh bench)" >&2; exit 1; }
done
for f in "$NOTES_BIN" "$NOTES_DIRECT"; do
  [[ -x $f ]] || { echo "run.sh: $f not built (make bench-notes)" >&2; exit 1; }
done

dir=${BENCH_DIR:-$(mktemp -d /tmp/notes-bench.XXXXXX)}
mkdir -p "$dir"
server=
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  [[ -n ${BENCH_DIR:-} ]] || rm -rf "$dir"
}
trap cleanup EXIT

# A free loopback port: the first one nobody listens on.
port=
for p in $(shuf -i 20000-60000 -n 50); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[[ -n $port ]] || { echo "run.sh: no free port" >&2; exit 1; }

"$NOTES_BIN" --listen 127.0.0.1 --port "$port" --db "$dir/http.db" \
  --log-level warn 2>"$dir/server.log" &
server=$!
for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && break
  sleep 0.05
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" || { echo "run.sh: notes did not become ready" >&2; cat "$dir/server.log" >&2; exit 1; }

# field NAME LINE: the value of NAME=... in a RESULT line.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

run_wrk() { # script -> RESULT line
  wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${SECONDS_PER_CASE}s" \
    -s "$here/$1" "http://127.0.0.1:$port" | grep '^RESULT'
}

create=$(run_wrk create.lua)
c_req=$(field requests "$create"); c_sec=$(field seconds "$create"); c_err=$(field errors "$create")
[[ $c_err == 0 ]] || { echo "run.sh: $c_err create requests failed" >&2; exit 1; }
export IDS=$c_req
read_=$(run_wrk read.lua)
r_req=$(field requests "$read_"); r_sec=$(field seconds "$read_"); r_err=$(field errors "$read_")
[[ $r_err == 0 ]] || { echo "run.sh: $r_err read requests failed" >&2; exit 1; }
kill "$server"; wait "$server" || true; server=

dcreate=$("$NOTES_DIRECT" create "$dir/direct.db" "$c_req" "$TITLE_BYTES" "$BODY_BYTES")
dread=$("$NOTES_DIRECT" read "$dir/direct.db" "$r_req" "$c_req")

awk -v cr="$c_req" -v cs="$c_sec" -v rr="$r_req" -v rs="$r_sec" \
    -v dcr="$(field rate "$dcreate")" -v drr="$(field rate "$dread")" \
    -v cp50="$(field p50_us "$create")" -v cp99="$(field p99_us "$create")" \
    -v rp50="$(field p50_us "$read_")" -v rp99="$(field p99_us "$read_")" \
    -v t="$WRK_THREADS" -v c="$WRK_CONNS" -v d="$SECONDS_PER_CASE" \
    -v tb="$TITLE_BYTES" -v bb="$BODY_BYTES" 'BEGIN {
  printf "notes throughput: wrk -t%d -c%d -d%ds on loopback, note %d+%d bytes, WAL + synchronous=FULL\n", t, c, d, tb, bb
  printf "%-7s %10s %14s %14s %10s %16s\n", "case", "ops", "http ops/s", "direct ops/s", "http/direct", "http p50/p99 us"
  printf "%-7s %10d %14.1f %14.1f %10.3f %9d/%d\n", "create", cr, cr/cs, dcr, (cr/cs)/dcr, cp50, cp99
  printf "%-7s %10d %14.1f %14.1f %10.3f %9d/%d\n", "read", rr, rr/rs, drr, (rr/rs)/drr, rp50, rp99
}'
