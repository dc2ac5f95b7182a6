# start.sh: start-to-ready in the Docker engine, three ways. Steps of
# plan.tsv.
#
# Timer (startprobe, CLOCK_MONOTONIC): from just before it forks
# `docker run -d ...` to the first HTTP 200 of GET READY_PATH, each probe
# attempt (connect + answer) bounded to 20 ms, one attempt per millisecond.
# READY_PATH is /readyz for the services, the floor, the Go and nginx peers;
# busybox httpd has no /readyz, its page `/` is used and the detail says so.
#   start_warm       host networking (`--network host`, the port passed as
#                    PORT): no docker-proxy, no bridge; probed from the fork.
#                    The image is present in the measuring engine.
#   start_published  the way most users run it: `-p 127.0.0.1:PORT:8080`,
#                    probed only once `docker run -d` has returned (probing
#                    through docker-proxy earlier measures the proxy's
#                    connection retry, not the image). What docker-proxy
#                    costs is this minus start_warm.
#   start_cold       host networking, the measuring engine holds no image
#                    and no layer: `docker run` pulls through the profile's
#                    link; one timer over pull and start up to the first 200.
# Per sample, beside `seconds` (fork to first 200):
#   command_s        fork to the exit of `docker run -d` (reaped at once)
#   engine_started_s the engine's own State.StartedAt (runc started the
#                    process) minus the wall-clock time of the fork: a
#                    second, independent clock; the report shows both
#   attempts         probe attempts made
# The container is removed (rm -f -v) after each sample, outside the timer.

ready_detail() {
  local d="ready: GET ${IMG_READY[$1]}"
  [[ "${IMG_READY[$1]}" == /readyz ]] || d="$d (no /readyz)"
  echo "$d"
}

# images_present: every startable image pulled directly from the registry
# into the measuring engine (before warm starts and load).
images_present() {
  local subj out
  for subj in "${STARTABLE[@]}"; do
    [[ "${IMG_KIND[$subj]}" != native ]] || continue
    E image inspect "$(ref_via "$LOOP_PROFILE" "$subj")" >/dev/null 2>&1 && continue
    out=$(E pull -q "$(ref_via "$LOOP_PROFILE" "$subj")" 2>&1) || say "pull of $subj failed: $out"
  done
}

block_begin_start_warm() { images_present; }
block_begin_start_published() { images_present; }

# start_run MODE REF SUBJECT TIMEOUT: "key=value ..." on success (startprobe's
# line plus engine_started_s), a reason on failure (exit 1).
start_run() {
  local mode=$1 ref=$2 subj=$3 timeout=$4 port out started ns t0 args probe=()
  container_rm
  port=$(free_port) || { echo "no free port"; return 1; }
  if [[ "$mode" == published ]]; then
    args=(run -d --name "$CNAME" -p "127.0.0.1:$port:8080" "$ref")
    probe=(--after-exit)
  else
    args=(run -d --name "$CNAME" --network host -e "PORT=$port" "$ref")
  fi
  if ! out=$(E_probe "${probe[@]}" --timeout "$timeout" --url "http://127.0.0.1:$port${IMG_READY[$subj]}" \
    -- "$ENGINE" "${args[@]}" 2>"$BENCH_WORK/start.err"); then
    tail -c 300 "$BENCH_WORK/start.err" | tr "\n" " "
    container_rm
    return 1
  fi
  started=$(E inspect -f '{{.State.StartedAt}}' "$CNAME" 2>/dev/null)
  container_rm
  t0=$(kv t0_unix_ns "$out")
  if [[ -n "$started" && -n "$t0" ]] && ns=$("$RFC3339NS" "$started" 2>/dev/null); then
    out="$out engine_started_s=$(awk -v a="$ns" -v b="$t0" 'BEGIN { printf "%.6f", (a - b) / 1e9 }')"
  fi
  echo "$out"
}

# start_sample PHASE MODE REF SUBJECT PROFILE REP WARMUP DETAIL TIMEOUT
start_sample() {
  local phase=$1 mode=$2 ref=$3 subj=$4 prof=$5 rep=$6 wu=$7 detail=$8 timeout=$9 res v
  detail=$(join_detail "$(ready_detail "$subj")" "$detail")
  if ! res=$(start_run "$mode" "$ref" "$subj" "$timeout"); then
    sample "$phase" "$subj" "$prof" "$DOCKER_RUNTIME" "$rep" "$wu" seconds '' s fail "$(join_detail "$res" "$detail")"
    return
  fi
  sample "$phase" "$subj" "$prof" "$DOCKER_RUNTIME" "$rep" "$wu" seconds "$(kv seconds "$res")" s ok "$detail"
  sample "$phase" "$subj" "$prof" "$DOCKER_RUNTIME" "$rep" "$wu" command_s "$(kv command_seconds "$res")" s ok \
    "fork to the exit of docker run -d"
  v=$(kv engine_started_s "$res")
  if [[ -n "$v" ]]; then
    sample "$phase" "$subj" "$prof" "$DOCKER_RUNTIME" "$rep" "$wu" engine_started_s "$v" s ok \
      "engine's State.StartedAt minus the wall clock at the fork"
  else
    sample "$phase" "$subj" "$prof" "$DOCKER_RUNTIME" "$rep" "$wu" engine_started_s '' s fail "no State.StartedAt"
  fi
  sample "$phase" "$subj" "$prof" "$DOCKER_RUNTIME" "$rep" "$wu" attempts "$(kv attempts "$res")" count ok \
    "probe attempts, each bounded to 20 ms"
}

# step_start_warm / step_start_published / step_start_cold
#   SUBJECT PROFILE RUNTIME REP WARMUP NOTE
step_start_warm() {
  start_sample start_warm host "$(ref_via "$LOOP_PROFILE" "$1")" "$1" - "$4" "$5" \
    "$(join_detail "host networking" "$6")" 60
}

step_start_published() {
  start_sample start_published published "$(ref_via "$LOOP_PROFILE" "$1")" "$1" - "$4" "$5" \
    "$(join_detail "-p 127.0.0.1:PORT:8080, probed after docker run returned" "$6")" 60
}

step_start_cold() {
  local subj=$1 prof=$2
  if ! engine_wipe; then
    sample start_cold "$subj" "$prof" "$DOCKER_RUNTIME" "$4" "$5" seconds '' s fail "could not empty the measuring engine"
    return
  fi
  start_sample start_cold host "$(ref_via "$prof" "$subj")" "$subj" "$prof" "$4" "$5" \
    "$(join_detail "host networking; pull through $prof included" "$6")" 900
}
