# load.sh: wrk against each startable image, and its memory.
#
# The container is started as in start_warm and waited for; notes gets one
# note created with POST /notes and the load reads GET /notes/<id>. Then:
#   rss_idle_kib  after 1 s idle: the container's memory cgroup, cgroup v1
#                 memory.stat total_rss (anonymous memory, no page cache) or
#                 cgroup v2 memory.stat anon, in KiB
#   warm-up       wrk for 1 s (its req/s kept with warmup=1)
#   rps, p50/p90/p99_ms, errors  `wrk -t THREADS -c CONNS -d DURATION
#                 --latency URL` (errors: socket errors + non-2xx/3xx)
#   rss_load_kib  the largest of the same cgroup reading sampled every
#                 0.2 s while wrk runs
# wrk and the server share the machine's cores: the figures compare the
# images with each other on the same machine, not with other hardware.

mem_file() {
  local pid=$1 line path
  if [[ -r /sys/fs/cgroup/cgroup.controllers ]]; then
    path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
    echo "/sys/fs/cgroup$path/memory.stat anon"
  else
    line=$(grep -E '^[0-9]+:([^:]*,)?memory(,[^:]*)?:' "/proc/$pid/cgroup") || return 1
    echo "/sys/fs/cgroup/memory${line##*:}/memory.stat total_rss"
  fi
}

# mem_kib "FILE KEY"
mem_kib() {
  local f=${1% *} k=${1##* }
  awk -v k="$k" '$1 == k { printf "%d\n", $2 / 1024 }' "$f"
}

# wrk_ms VALUE: "123.45us" / "1.2ms" / "1.5s" -> milliseconds
wrk_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f\n", n }'
}

load_fail() {
  local subj=$1 rep=$2 why=$3 m
  for m in rps:req/s p50_ms:ms p90_ms:ms p99_ms:ms errors:count rss_idle_kib:KiB rss_load_kib:KiB; do
    sample load "$subj" - "$rep" 0 "${m%%:*}" '' "${m#*:}" fail "$why"
  done
}

load_one() {
  local subj=$1 rep=$2 port args out path id pid mf idle wout samp rps errs n v detail
  container_rm
  port=$(free_port)
  mapfile -t args < <(run_args "$port" "$(ref_via "$LOOP_PROFILE" "$subj")")
  if ! out=$(E_probe --timeout 60 --url "http://127.0.0.1:$port${IMG_READY[$subj]}" -- "$ENGINE" "${args[@]}" 2>&1); then
    load_fail "$subj" "$rep" "start failed: ${out:0:200}"
    container_rm
    return
  fi
  path=${IMG_LOAD[$subj]}
  if [[ "$path" == /notes/ID ]]; then
    id=$(curl -fsS -X POST -H 'Content-Type: application/json' \
      -d '{"title":"bench","body":"a note for the load test"}' "http://127.0.0.1:$port/notes" | jq -r '.id // empty' 2>/dev/null)
    if [[ -z "$id" ]]; then
      load_fail "$subj" "$rep" "POST /notes did not return an id"
      container_rm
      return
    fi
    path=/notes/$id
  fi
  detail="GET $path, wrk -t$LOAD_THREADS -c$LOAD_CONNS -d${LOAD_DURATION}s, wrk and server share $(nproc) cores"
  pid=$(E inspect -f '{{.State.Pid}}' "$CNAME")
  mf=$(mem_file "$pid") || mf=''
  sleep 1
  idle=''
  [[ -z "$mf" ]] || idle=$(mem_kib "$mf") || idle=''

  v=$(wrk -t"$LOAD_THREADS" -c"$LOAD_CONNS" -d1s "http://127.0.0.1:$port$path" 2>&1 | awk '/^Requests\/sec:/ { print $2 }')
  if [[ -n "$v" ]]; then
    sample load "$subj" - "$rep" 1 rps "$v" req/s ok "warm-up 1 s; $detail"
  fi
  samp=$BENCH_WORK/rss.samples
  : >"$samp"
  if [[ -n "$mf" ]]; then
    (while :; do mem_kib "$mf" >>"$samp" 2>/dev/null || break; sleep 0.2; done) &
    n=$!
  else
    n=''
  fi
  wout=$(wrk -t"$LOAD_THREADS" -c"$LOAD_CONNS" -d"${LOAD_DURATION}s" --latency "http://127.0.0.1:$port$path" 2>&1)
  if [[ -n "$n" ]]; then
    kill "$n" 2>/dev/null
    wait "$n" 2>/dev/null || true
  fi
  echo "== $subj rep $rep" >>"$OUT/logs/wrk.log"
  echo "$wout" >>"$OUT/logs/wrk.log"
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$wout")
  if [[ -z "$rps" ]]; then
    load_fail "$subj" "$rep" "wrk gave no result: $(tail -n 2 <<<"$wout" | tr '\n' ' ')"
  else
    sample load "$subj" - "$rep" 0 rps "$rps" req/s ok "$detail"
    for n in 50 90 99; do
      v=$(awk -v p="$n%" '$1 == p { print $2 }' <<<"$wout")
      if [[ -n "$v" ]]; then
        sample load "$subj" - "$rep" 0 "p${n}_ms" "$(wrk_ms "$v")" ms ok "$detail"
      else
        sample load "$subj" - "$rep" 0 "p${n}_ms" '' ms fail "no $n% line in wrk output"
      fi
    done
    errs=$(awk '/Socket errors:/ { gsub(/,/, ""); s += $4 + $6 + $8 + $10 } /Non-2xx or 3xx responses:/ { s += $NF } END { print s + 0 }' <<<"$wout")
    sample load "$subj" - "$rep" 0 errors "$errs" count ok "socket errors + non-2xx/3xx; $detail"
  fi
  if [[ -n "$idle" ]]; then
    sample load "$subj" - "$rep" 0 rss_idle_kib "$idle" KiB ok "${mf##* } of the container's memory cgroup after 1 s idle"
  else
    sample load "$subj" - "$rep" 0 rss_idle_kib '' KiB fail "container memory cgroup not found"
  fi
  v=$(sort -n "$samp" | tail -n1)
  if [[ -n "$v" ]]; then
    sample load "$subj" - "$rep" 0 rss_load_kib "$v" KiB ok "${mf##* }, largest of samples every 0.2 s under load"
  else
    sample load "$subj" - "$rep" 0 rss_load_kib '' KiB fail "no memory sample under load"
  fi
  container_rm
}

phase_load() {
  local rep subj
  ((${#STARTABLE[@]} > 0)) || return 0
  command -v wrk >/dev/null || die "load phase needs wrk (scripts/deps.sh bench)"
  images_present
  phase_begin load $((LOAD_REPS * ${#STARTABLE[@]}))
  for ((rep = 0; rep < LOAD_REPS; rep++)); do
    for subj in $(shuffled "${STARTABLE[@]}"); do
      progress "$subj" "$rep"
      load_one "$subj" "$rep"
    done
  done
}
