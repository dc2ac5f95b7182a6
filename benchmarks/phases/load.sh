# load.sh: requests per second and latency under wrk, and memory. Steps
# of plan.tsv.
#
# What is measured is the service, not Docker's plumbing:
#   - host networking (`--network host`, the port passed as PORT): no
#     docker-proxy, no bridge, no NAT between wrk and the server;
#   - the access log off for every subject (the services: LOG_LEVEL=warn;
#     nginx: access_log off; the Go, busybox and floor peers log nothing),
#     so no log line per request goes through containerd-shim and dockerd;
#   - wrk pinned to core 0 (`taskset -c 0`), the server to core 1
#     (`--cpuset-cpus 1` for a container, `taskset -c 1` natively); the
#     engine's own daemons are not pinned (they are idle during a run);
#   - native/SERVICE: the image's own static binary (copied out of the
#     scratch image), run outside any container with the same pinning,
#     port and log settings: the ratio image / native is what the container
#     costs. native-glibc/SERVICE: the Debian build (build/native/bin),
#     shown beside it, labelled as such.
# Per rep: the server is started and waited for (notes: one note is
# created, the load reads GET /notes/ID), then
#   warm-up       wrk for 1 s (req/s kept with warmup=1)
#   rps, p50/p90/p99_ms, errors  `wrk -t1 -c CONNS -d DURATION --latency URL`
#                 (errors: socket errors + non-2xx/3xx)
#   rss_idle_kib, pss_idle_kib  Rss and Pss from /proc/PID/smaps_rollup,
#                 summed over the server's processes (the container's
#                 cgroup.procs), after 1 s idle
#   cgroup_idle_kib  the container's memory cgroup usage (page cache
#                 included; v1 memory.usage_in_bytes, v2 memory.current);
#                 none for native subjects
#   rss_load_kib, pss_load_kib, cgroup_load_kib  the largest of the same
#                 readings taken every 0.2 s under load

block_begin_load() { images_present; }

# server_pids: the pids of the subject's processes (one per line).
server_pids() {
  if [[ -n "${LOAD_NATIVE_PID:-}" ]]; then
    # the process and its children (nginx's worker under its master)
    echo "$LOAD_NATIVE_PID"
    ps -o pid= --ppid "$LOAD_NATIVE_PID" 2>/dev/null
  elif [[ -n "${LOAD_CGROUP_DIR:-}" && -r "$LOAD_CGROUP_DIR/cgroup.procs" ]]; then
    cat "$LOAD_CGROUP_DIR/cgroup.procs"
  fi
}

# mem_read: "rss_kib pss_kib cgroup_kib" (cgroup_kib "-" natively).
mem_read() {
  local pid rss=0 pss=0 cg=-
  for pid in $(server_pids); do
    read -r r p < <(awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } END { print r + 0, p + 0 }' \
      "/proc/$pid/smaps_rollup" 2>/dev/null) || continue
    rss=$((rss + r)) pss=$((pss + p))
  done
  if [[ -n "${LOAD_CGROUP_MEM:-}" && -r "$LOAD_CGROUP_MEM" ]]; then
    cg=$(($(cat "$LOAD_CGROUP_MEM") / 1024))
  fi
  echo "$rss $pss $cg"
}

# cgroup_of PID: sets LOAD_CGROUP_DIR (the memory cgroup directory, for
# cgroup.procs) and LOAD_CGROUP_MEM (its usage file).
cgroup_of() {
  local pid=$1 line path
  LOAD_CGROUP_DIR='' LOAD_CGROUP_MEM=''
  if [[ -r /sys/fs/cgroup/cgroup.controllers ]]; then
    path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
    LOAD_CGROUP_DIR=/sys/fs/cgroup$path
    LOAD_CGROUP_MEM=$LOAD_CGROUP_DIR/memory.current
  else
    line=$(grep -E '^[0-9]+:([^:]*,)?memory(,[^:]*)?:' "/proc/$pid/cgroup") || return 1
    LOAD_CGROUP_DIR=/sys/fs/cgroup/memory${line##*:}
    LOAD_CGROUP_MEM=$LOAD_CGROUP_DIR/memory.usage_in_bytes
  fi
}

# wrk_ms VALUE: "123.45us" / "1.2ms" / "1.5s" -> milliseconds
wrk_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f\n", n }'
}

LOAD_HOLD_CONNS=${LOAD_HOLD_CONNS:-0}
LOAD_METRICS="rps:req/s p50_ms:ms p90_ms:ms p99_ms:ms errors:count rss_idle_kib:KiB pss_idle_kib:KiB cgroup_idle_kib:KiB rss_load_kib:KiB pss_load_kib:KiB cgroup_load_kib:KiB"

load_fail() {
  local subj=$1 rt=$2 rep=$3 why=$4 m
  for m in $LOAD_METRICS; do
    sample load "$subj" - "$rt" "$rep" 0 "${m%%:*}" '' "${m#*:}" fail "$why"
  done
}

# native_binary SUBJECT: the scratch image's own static binary, copied out
# of the image once per run.
native_binary() {
  local svc=${IMG_SERVICE[$1]} dst c
  dst=$BENCH_WORK/native/$svc
  if [[ ! -x "$dst" ]]; then
    mkdir -p "$BENCH_WORK/native"
    c=$(M create "$IMAGE_PREFIX/$svc:scratch") || return 1
    M cp "$c:/service" "$dst" >/dev/null || { M rm "$c" >/dev/null; return 1; }
    M rm "$c" >/dev/null
  fi
  echo "$dst"
}

# native_argv SUBJECT PORT: how a native subject runs. Sets NATIVE_ARGV
# (the command), NATIVE_ENV (its environment additions) and NATIVE_OUT (its
# stdout: the access log when it is on). Variants:
#   native-static     the scratch image's binary
#   native-glibc      build/native/bin/SERVICE
#   native-glibc-log  the same with its access log on, to a file on disk
#   native, native-log  peers run natively (make bench-native): nginx with
#                     benchmarks/peers/mhd-bare/nginx.conf (access log off,
#                     or on to a file), the bare libmicrohttpd handler, the
#                     Go hello
# Returns 1 with a reason on stdout when the program is missing.
native_argv() {
  local subj=$1 port=$2 svc=${IMG_SERVICE[$1]} var=${IMG_VARIANT[$1]} bin dir
  NATIVE_ENV=("PORT=$port" LOG_LEVEL=warn) NATIVE_OUT=/dev/null NATIVE_ARGV=()
  case "$var" in
    native-static) bin=$(native_binary "$subj") || { echo "cannot copy the binary out of $IMAGE_PREFIX/$svc:scratch"; return 1; } ;;
    native-glibc | native-glibc-log) bin=$BUILD_DIR/native/bin/$svc ;;
    native | native-log)
      case "$svc" in
        nginx)
          bin=$(command -v nginx) || { echo "nginx not installed (scripts/deps.sh bench)"; return 1; }
          dir=$BENCH_WORK/nginx-$port
          mkdir -p "$dir/tmp"
          sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" "$ROOT/benchmarks/peers/mhd-bare/nginx.conf" >"$dir/nginx.conf"
          [[ "$var" != native-log ]] || sed -i "s|access_log off;|access_log $dir/access.log;|" "$dir/nginx.conf"
          NATIVE_ARGV=("$bin" -c "$dir/nginx.conf" -e "$dir/error.log")
          return 0 ;;
        mhd-bare) bin=$BIN/mhd-bare NATIVE_ARGV=("$bin" --port "$port" --variant native) ;;
        go) bin=$BIN/hello-go ;;
        *) echo "no native command for $subj"; return 1 ;;
      esac ;;
    *) echo "no native command for $subj"; return 1 ;;
  esac
  [[ -x "$bin" ]] || { echo "$bin not built"; return 1; }
  ((${#NATIVE_ARGV[@]} > 0)) || NATIVE_ARGV=("$bin")
  if [[ "$var" == native-glibc-log ]]; then
    NATIVE_ENV=("PORT=$port" LOG_LEVEL=info LOG_FORMAT=text)
    NATIVE_OUT=$BENCH_WORK/access-$svc-$port.log
  fi
  [[ "$svc" != notes || "${IMG_KIND[$subj]}" != native ]] || {
    rm -rf "$BENCH_WORK/native-db"
    mkdir -p "$BENCH_WORK/native-db"
    NATIVE_ARGV+=(--db "$BENCH_WORK/native-db/notes.db")
  }
  # more connections than the default limits allow (the held-connections
  # reading): the services' own settings, for every subject alike
  NATIVE_ENV+=(MAX_CONNS=2048 MAX_CONNS_PER_IP=2048)
}

# load_start SUBJECT PORT: the server started and ready; sets
# LOAD_NATIVE_PID (native) or the container's cgroup. Prints a reason and
# returns 1 on failure.
load_start() {
  local subj=$1 port=$2 out pid i
  LOAD_NATIVE_PID='' LOAD_CGROUP_DIR='' LOAD_CGROUP_MEM=''
  if [[ "${IMG_KIND[$subj]}" == native || "${IMG_VARIANT[$subj]}" == native* ]]; then
    native_argv "$subj" "$port" || return 1
    env "${NATIVE_ENV[@]}" taskset -c "$LOAD_SERVER_CPU" "${NATIVE_ARGV[@]}" \
      >"$NATIVE_OUT" 2>>"$OUT/logs/native.log" &
    LOAD_NATIVE_PID=$!
    for i in $(seq 1 200); do
      curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$port${IMG_READY[$subj]}" && return 0
      kill -0 "$LOAD_NATIVE_PID" 2>/dev/null || { echo "${NATIVE_ARGV[0]} exited at start (logs/native.log)"; LOAD_NATIVE_PID=''; return 1; }
      sleep 0.05
    done
    echo "${NATIVE_ARGV[0]} not ready after 10 s"
    return 1
  fi
  container_rm
  if ! out=$(E_probe --timeout 60 --url "http://127.0.0.1:$port${IMG_READY[$subj]}" -- \
    "$ENGINE" run -d --name "$CNAME" --network host --cpuset-cpus "$LOAD_SERVER_CPU" \
    -e "PORT=$port" -e LOG_LEVEL=warn "$(ref_via "$LOOP_PROFILE" "$subj")" 2>&1); then
    echo "start failed: ${out:0:200}"
    return 1
  fi
  pid=$(E inspect -f '{{.State.Pid}}' "$CNAME")
  cgroup_of "$pid" || true
}

load_stop() {
  if [[ -n "${LOAD_NATIVE_PID:-}" ]]; then
    kill "$LOAD_NATIVE_PID" 2>/dev/null
    wait "$LOAD_NATIVE_PID" 2>/dev/null
    LOAD_NATIVE_PID=''
  else
    container_rm
  fi
}

# hold_conns SUBJECT RUNTIME REP PORT PATH: with LOAD_HOLD_CONNS > 0 (make
# bench-native: 512), that many keep-alive connections are opened, served
# once each and held idle while the memory is read (rss_conns_kib,
# pss_conns_kib), then closed.
hold_conns() {
  local subj=$1 rt=$2 rep=$3 port=$4 path=$5 fifo pid line m v
  ((LOAD_HOLD_CONNS > 0)) || return 0
  fifo=$BENCH_WORK/hold.fifo
  rm -f "$fifo"
  mkfifo "$fifo"
  python3 "$ROOT/benchmarks/lib/holdconns.py" "$LOAD_HOLD_CONNS" "$port" "$path" <"$fifo" \
    >"$BENCH_WORK/hold.out" 2>"$BENCH_WORK/hold.err" &
  pid=$!
  exec 4>"$fifo"
  for _ in $(seq 1 300); do
    grep -q '^held' "$BENCH_WORK/hold.out" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if grep -q '^held' "$BENCH_WORK/hold.out" 2>/dev/null; then
    sleep 0.5
    read -r -a v <<<"$(mem_read)"
    for m in 0 1; do
      line=$([[ $m == 0 ]] && echo rss || echo pss)
      sample load "$subj" - "$rt" "$rep" 0 "${line}_conns_kib" "${v[$m]}" KiB ok \
        "holding $LOAD_HOLD_CONNS idle keep-alive connections, each served once; $(mem_what "$line")"
    done
  else
    for line in rss pss; do
      sample load "$subj" - "$rt" "$rep" 0 "${line}_conns_kib" '' KiB fail \
        "could not hold $LOAD_HOLD_CONNS connections: $(tail -c 200 "$BENCH_WORK/hold.err" | tr '\n' ' ')"
    done
  fi
  exec 4>&-
  wait "$pid" 2>/dev/null
  rm -f "$fifo"
}

# direct_sample SUBJECT RUNTIME REP: notes' read statement called directly
# in C (notes_direct, the same SQLite pragmas), one thread on the server's
# core: the rate HTTP is compared with.
direct_sample() {
  local subj=$1 rt=$2 rep=$3 db=$BENCH_WORK/direct.db out
  rm -f "$db" "$db-wal" "$db-shm"
  if ! "$NOTES_DIRECT" create "$db" 1000 20 200 >/dev/null 2>>"$OUT/logs/native.log" ||
    ! out=$(taskset -c "$LOAD_SERVER_CPU" "$NOTES_DIRECT" read "$db" 200000 1000 2>>"$OUT/logs/native.log"); then
    sample load "$subj" - "$rt" "$rep" 0 rps '' req/s fail "notes_direct failed (logs/native.log)"
    return
  fi
  sample load "$subj" - "$rt" "$rep" 0 rps "$(kv rate "$out")" req/s ok \
    "notes_direct read: 200000 reads of 1000 notes by id, one thread on core $LOAD_SERVER_CPU, no HTTP"
}

# step_load SUBJECT PROFILE RUNTIME REP WARMUP NOTE
step_load() {
  local subj=$1 rep=$4 note=$6 rt port path id idle detail wout samp n v rps errs
  rt=$DOCKER_RUNTIME
  [[ "${IMG_KIND[$subj]}" != native && "${IMG_VARIANT[$subj]}" != native* ]] || rt=none
  if [[ "${IMG_VARIANT[$subj]}" == direct ]]; then
    direct_sample "$subj" none "$rep"
    return
  fi
  port=$(free_port)
  # not in $(...): load_start sets the pid and cgroup variables
  if ! load_start "$subj" "$port" >"$BENCH_WORK/load.why"; then
    load_fail "$subj" "$rt" "$rep" "$(cat "$BENCH_WORK/load.why")"
    load_stop
    return
  fi
  path=${IMG_LOAD[$subj]}
  if [[ "$path" == /notes/ID ]]; then
    id=$(curl -fsS -X POST -H 'Content-Type: application/json' \
      -d '{"title":"bench","body":"a note for the load test"}' "http://127.0.0.1:$port/notes" | jq -r '.id // empty' 2>/dev/null)
    if [[ -z "$id" ]]; then
      load_fail "$subj" "$rt" "$rep" "POST /notes did not return an id"
      load_stop
      return
    fi
    path=/notes/$id
  fi
  detail="GET $path; wrk -t1 -c$LOAD_CONNS -d${LOAD_DURATION}s on core $LOAD_WRK_CPU, server on core $LOAD_SERVER_CPU"
  case "${IMG_VARIANT[$subj]}" in
    *-log) detail="$detail; access log ON, to a file on disk" ;;
    *) detail="$detail; access log off" ;;
  esac
  [[ "$rt" != none ]] || detail="$detail; outside any container"
  [[ -z "${IMG_NOTE[$subj]:-}" ]] || detail="$detail; ${IMG_NOTE[$subj]}"
  detail=$(join_detail "$detail" "$note")
  sleep 1
  idle=$(mem_read)
  hold_conns "$subj" "$rt" "$rep" "$port" "$path"

  v=$(taskset -c "$LOAD_WRK_CPU" wrk -t1 -c"$LOAD_CONNS" -d1s "http://127.0.0.1:$port$path" 2>&1 | awk '/^Requests\/sec:/ { print $2 }')
  [[ -z "$v" ]] || sample load "$subj" - "$rt" "$rep" 1 rps "$v" req/s ok "warm-up 1 s; $detail"
  samp=$BENCH_WORK/mem.samples
  : >"$samp"
  (while :; do mem_read >>"$samp"; sleep 0.2; done) &
  n=$!
  wout=$(taskset -c "$LOAD_WRK_CPU" wrk -t1 -c"$LOAD_CONNS" -d"${LOAD_DURATION}s" --latency "http://127.0.0.1:$port$path" 2>&1)
  kill "$n" 2>/dev/null
  wait "$n" 2>/dev/null || true
  printf '== %s rep %s\n%s\n' "$subj" "$rep" "$wout" >>"$OUT/logs/wrk.log"
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$wout")
  if [[ -z "$rps" ]]; then
    load_fail "$subj" "$rt" "$rep" "wrk gave no result: $(tail -n 2 <<<"$wout" | tr '\n' ' ')"
    load_stop
    return
  fi
  sample load "$subj" - "$rt" "$rep" 0 rps "$rps" req/s ok "$detail"
  for n in 50 90 99; do
    v=$(awk -v p="$n%" '$1 == p { print $2 }' <<<"$wout")
    if [[ -n "$v" ]]; then
      sample load "$subj" - "$rt" "$rep" 0 "p${n}_ms" "$(wrk_ms "$v")" ms ok "wrk --latency"
    else
      sample load "$subj" - "$rt" "$rep" 0 "p${n}_ms" '' ms fail "no $n% line in wrk output"
    fi
  done
  errs=$(awk '/Socket errors:/ { gsub(/,/, ""); s += $4 + $6 + $8 + $10 } /Non-2xx or 3xx responses:/ { s += $NF } END { print s + 0 }' <<<"$wout")
  sample load "$subj" - "$rt" "$rep" 0 errors "$errs" count ok "socket errors + non-2xx/3xx"
  mem_samples "$subj" "$rt" "$rep" "$idle" "$samp"
  load_stop
}

# mem_samples SUBJECT RUNTIME REP "IDLE" FILE
mem_samples() {
  local subj=$1 rt=$2 rep=$3 idle=$4 f=$5 i name v
  local -a iv names=(rss pss cgroup)
  read -r -a iv <<<"$idle"
  for i in 0 1 2; do
    name=${names[$i]}
    if [[ "$name" == cgroup && "$rt" == none ]]; then
      continue
    fi
    v=${iv[$i]:-}
    if [[ "$v" =~ ^[0-9]+$ && "$v" != 0 ]]; then
      sample load "$subj" - "$rt" "$rep" 0 "${name}_idle_kib" "$v" KiB ok "after 1 s idle; $(mem_what "$name")"
    else
      sample load "$subj" - "$rt" "$rep" 0 "${name}_idle_kib" '' KiB fail "not readable: $(mem_what "$name")"
    fi
    v=$(awk -v k=$((i + 1)) '$k ~ /^[0-9]+$/ && $k > m { m = $k } END { if (m > 0) print m }' "$f")
    if [[ -n "$v" ]]; then
      sample load "$subj" - "$rt" "$rep" 0 "${name}_load_kib" "$v" KiB ok "largest reading every 0.2 s under load; $(mem_what "$name")"
    else
      sample load "$subj" - "$rt" "$rep" 0 "${name}_load_kib" '' KiB fail "not readable under load: $(mem_what "$name")"
    fi
  done
}

mem_what() {
  case "$1" in
    rss) echo "Rss of /proc/PID/smaps_rollup, summed over the server's processes" ;;
    pss) echo "Pss of /proc/PID/smaps_rollup, summed over the server's processes" ;;
    cgroup) echo "the container's memory cgroup usage (page cache included)" ;;
  esac
}
