#!/usr/bin/env bash
# soak.sh: the scratch images under load and under crashes, in the real
# engine (needs `make images`; make check-soak builds them first).
#
# 1. Load: for each service, wrk against $IMAGE_PREFIX/<svc>:scratch run with
#    --memory 64m --pids-limit 64 for SOAK_SECONDS (default 10). Passes when
#    wrk saw zero non-2xx responses and zero socket errors, the container was
#    not OOM-killed and still runs, and memory is flat: the mean anonymous
#    memory (cgroup rss) of the last third of the samples is at most 10 %
#    + 1 MiB above the mean of the first third (a leak of a few bytes per
#    request over tens of thousands of requests exceeds that).
#    Thread-per-connection: wrk uses SOAK_CONNS (16) connections and the
#    service --max-conns=40, both under the pids limit of 64.
# 2. Crash consistency: notes:scratch on a fresh named volume; CRASH_ROUNDS
#    (default 5) times: a writer POSTs notes and records each acknowledged
#    one, `docker kill -s KILL` at a random moment (0.3-1.5 s), restart.
#    Then every acknowledged note must be there intact, no note partial, and
#    `PRAGMA integrity_check` on a copy of the database files (docker cp,
#    taken right after a final SIGKILL) must say ok.
# Containers run with --network host and listen on 127.0.0.1 on a port this
# script picks: no docker-proxy or NAT between wrk and the service (a stale
# NAT rule of another container on a published port once sent this test's
# requests elsewhere), and the port survives restarts.
# Containers and volumes are named h6soak-*-<pid> and removed at the end.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
DOCKER=${DOCKER:-docker}
PREFIX=${IMAGE_PREFIX:-slimline}
SECS=${SOAK_SECONDS:-10}
CONNS=${SOAK_CONNS:-16}
ROUNDS=${CRASH_ROUNDS:-5}
TAG=h6soak-$$
# shellcheck source=tests/lib/test-lib.sh
. tests/lib/test-lib.sh
TMP=$TL_TMP
cleanup() {
  local c
  for c in $($DOCKER ps -aq --filter "name=$TAG" 2>/dev/null); do $DOCKER rm -f "$c" >/dev/null 2>&1; done
  $DOCKER volume rm -f "$TAG-data" >/dev/null 2>&1
  [[ -z ${SAMPLER:-} ]] || kill "$SAMPLER" 2>/dev/null
}
at_exit cleanup

for tool in wrk python3 sqlite3 curl; do
  command -v $tool >/dev/null || { not_ok "$tool is not installed (scripts/deps.sh)"; finish; }
done
$DOCKER info >/dev/null 2>&1 || { not_ok "no Docker engine answers (make engine)"; finish; }

wait_ready() { # wait_ready PORT
  for _ in $(seq 100); do
    curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$1/readyz" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
# rss_of CONTAINER: anonymous memory in bytes (cgroup v1 memory.stat rss,
# or cgroup v2 memory.stat anon), or docker stats' usage as a fallback.
rss_of() {
  local id; id=$($DOCKER inspect -f '{{.Id}}' "$1")
  local f
  for f in /sys/fs/cgroup/memory/docker/$id/memory.stat /sys/fs/cgroup/system.slice/docker-$id.scope/memory.stat; do
    [[ -r $f ]] && { awk '$1 == "rss" || $1 == "anon" {print $2; exit}' "$f"; return; }
  done
  $DOCKER stats --no-stream --format '{{.MemUsage}}' "$1" | awk '{v=$1; u=v; gsub(/[0-9.]/,"",u); gsub(/[^0-9.]/,"",v); m=(u=="KiB"?1024:(u=="MiB"?1048576:(u=="GiB"?1073741824:1))); printf "%d\n", v*m}'
}

# ---- 1. load ------------------------------------------------------------------
for svc in hello whoami notes; do
  img=$PREFIX/$svc:scratch
  if ! $DOCKER image inspect "$img" >/dev/null 2>&1; then not_ok "image $img missing (make images)"; continue; fi
  name=$TAG-$svc
  vol=(); [[ $svc == notes ]] && vol=(-v "$TAG-data:/data")
  port=$(free_port)
  if ! $DOCKER run -d --name "$name" --memory 64m --memory-swap 64m --pids-limit 64 \
      --network host "${vol[@]}" "$img" --listen=127.0.0.1 --port="$port" \
      --max-conns=40 --max-conns-per-ip=40 >/dev/null; then
    not_ok "$svc: docker run failed"; continue
  fi
  if ! wait_ready "$port"; then $DOCKER logs "$name" 2>&1 | tail -5; not_ok "$svc: ready" "not ready within 10 s"; continue; fi
  path=/
  if [[ $svc == notes ]]; then
    for i in $(seq 20); do
      curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary "{\"title\":\"soak $i\",\"body\":\"b\"}" "http://127.0.0.1:$port/notes"
    done
    path='/notes?limit=20'
  fi
  curl -s -o /dev/null "http://127.0.0.1:$port$path"   # warm-up
  : >"$TMP/$svc.mem"
  ( while true; do rss_of "$name" >>"$TMP/$svc.mem" 2>/dev/null; sleep 0.25; done ) &
  SAMPLER=$!
  wrk -t2 -c"$CONNS" -d"${SECS}s" "http://127.0.0.1:$port$path" >"$TMP/$svc.wrk" 2>&1
  kill $SAMPLER 2>/dev/null; wait $SAMPLER 2>/dev/null; SAMPLER=
  reqs=$(awk '/requests in/ {print $1}' "$TMP/$svc.wrk")
  rps=$(awk '/Requests\/sec/ {print $2}' "$TMP/$svc.wrk")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$TMP/$svc.wrk")
  sockerr=$(awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}' "$TMP/$svc.wrk")
  oom=$($DOCKER inspect -f '{{.State.OOMKilled}}' "$name")
  running=$($DOCKER inspect -f '{{.State.Running}}' "$name")
  read -r first last n <<<"$(awk '{v[NR]=$1} END {t=int(NR/3); for(i=1;i<=t;i++) a+=v[i]; for(i=NR-t+1;i<=NR;i++) b+=v[i]; if (t>0) printf "%d %d %d", a/t, b/t, NR; else print "0 0 0"}' "$TMP/$svc.mem")"
  echo "     $svc: ${reqs:-?} requests in ${SECS} s (${rps:-?}/s, $CONNS connections), non-2xx ${non2xx:-0}, socket errors ${sockerr:-0}; rss first third $((first / 1024)) KiB, last third $((last / 1024)) KiB ($n samples)"
  if [[ -n $reqs && $reqs -gt 0 && -z $non2xx && ${sockerr:-0} -eq 0 ]]; then ok "$svc: ${reqs} requests, all 2xx, no socket error"
  else cat "$TMP/$svc.wrk"; not_ok "$svc: all 2xx, no socket error" "wrk errors (output above)"; fi
  if [[ $oom == false && $running == true ]]; then ok "$svc: not OOM-killed, still running under --memory 64m --pids-limit 64"
  else not_ok "$svc: OOMKilled=$oom running=$running"; fi
  if [[ $n -ge 6 ]] && awk -v a="$first" -v b="$last" 'BEGIN {exit !(b <= a * 1.10 + 1048576)}'; then
    ok "$svc: memory flat (last third <= first third + 10 % + 1 MiB)"
  else not_ok "$svc: memory grew or too few samples: first $first, last $last, $n samples"; fi
  $DOCKER rm -f "$name" >/dev/null
done
$DOCKER volume rm -f "$TAG-data" >/dev/null 2>&1

# ---- 2. crash consistency -------------------------------------------------------
img=$PREFIX/notes:scratch
if ! $DOCKER image inspect "$img" >/dev/null 2>&1; then not_ok "image $img missing (make images)"; finish; fi
name=$TAG-crash
$DOCKER volume create "$TAG-data" >/dev/null
port=$(free_port)
if ! $DOCKER run -d --name "$name" --memory 64m --pids-limit 64 --network host \
    -v "$TAG-data:/data" "$img" --listen=127.0.0.1 --port="$port" >/dev/null; then
  not_ok "crash: docker run failed"; finish
fi
acks=$TMP/acks
: >"$acks"
crash_ok=1
for r in $(seq "$ROUNDS"); do
  if ! wait_ready "$port"; then $DOCKER logs "$name" 2>&1 | tail -5; not_ok "crash round $r: notes ready after restart"; crash_ok=0; break; fi
  python3 tests/soak/writer.py "$port" "$acks" "$r" &
  wpid=$!
  sleep "$(awk -v s="$RANDOM" 'BEGIN {srand(s); printf "%.2f", 0.3 + rand() * 1.2}')"
  $DOCKER kill -s KILL "$name" >/dev/null
  wait $wpid || { not_ok "crash round $r: writer failed"; crash_ok=0; }
  if [[ $r -lt $ROUNDS ]]; then $DOCKER start "$name" >/dev/null; fi
done
# The last kill left the files as a power cut would: check them as they are.
mkdir -p "$TMP/data"
$DOCKER cp "$name:/data/." "$TMP/data/" 2>/dev/null
files=$(ls "$TMP/data" | tr '\n' ' ')
if [[ -s $TMP/data/notes.db ]]; then
  integrity=$(sqlite3 "$TMP/data/notes.db" 'PRAGMA integrity_check' 2>&1)
else
  integrity="no notes.db in the volume"
fi
echo "     crash: $ROUNDS SIGKILLs, $(wc -l <"$acks") acknowledged writes; files after the last kill: $files"
check_int() { [[ $integrity == ok ]]; }
if check_int; then ok "crash: integrity_check ok on the files left by SIGKILL"; else not_ok "crash: integrity_check: $integrity"; fi
$DOCKER start "$name" >/dev/null
if [[ $crash_ok -eq 1 ]] && wait_ready "$port"; then
  if out=$(cd tests/soak && python3 verify.py "$port" "$acks"); then ok "crash: $out"
  else not_ok "crash: $out"; fi
  # The checker itself must be able to fail: an acknowledged write that is
  # not in the database has to be reported as lost.
  cp "$acks" "$TMP/acks.bad"
  printf '999999999\tr0-never-written\n' >>"$TMP/acks.bad"
  if (cd tests/soak && python3 verify.py "$port" "$TMP/acks.bad" >/dev/null); then
    not_ok "crash: verify.py missed a lost acknowledged write"
  else ok "crash: verify.py reports a lost acknowledged write (self-test)"; fi
else not_ok "crash: notes did not come back after the kills"; fi
if [[ $(wc -l <"$acks") -gt 0 ]]; then ok "crash: writes were acknowledged in the rounds"; else not_ok "crash: writes were acknowledged in the rounds" "none (the test proved nothing)"; fi
finish
