# start.sh: start-to-ready, warm and cold, with startprobe.
#
# Timer: CLOCK_MONOTONIC read by startprobe just before it forks
# `docker run -d --name C -p 127.0.0.1:PORT:8080 REF`; stopped at the first
# HTTP 200 to GET READY_PATH on 127.0.0.1:PORT, polled every 1 ms (connect,
# request, status line; each attempt bounded to 1 s). READY_PATH is /readyz
# for the services, the floor, the Go and nginx peers; busybox httpd has no
# /readyz, its static page `/` is used and the detail says so.
#   start_warm  the image is present in the measuring engine
#   start_cold  the measuring engine holds no image and no layer; docker run
#               pulls REF through the --cold-profile link (default cloud)
# The container is removed (rm -f -v) after each sample, outside the timer.
# start_warm: one warm-up round (warmup=1) before rep 0. start_cold: no
# warm-up round (each one is a full pull); reps planned from --start-budget.

ready_detail() {
  local d="ready: GET ${IMG_READY[$1]}"
  [[ "${IMG_READY[$1]}" == /readyz ]] || d="$d (no /readyz)"
  echo "$d"
}

# start_one REF SUBJECT TIMEOUT: "seconds=S ..." or a reason (exit 1).
start_one() {
  local ref=$1 subj=$2 timeout=$3 port args out
  container_rm
  port=$(free_port) || { echo "no free port"; return 1; }
  mapfile -t args < <(run_args "$port" "$ref")
  if out=$(E_probe --timeout "$timeout" --url "http://127.0.0.1:$port${IMG_READY[$subj]}" -- "$ENGINE" "${args[@]}" 2>"$BENCH_WORK/start.err"); then
    echo "$out"
  else
    tail -c 300 "$BENCH_WORK/start.err" | tr "\n" " "
    container_rm
    return 1
  fi
  container_rm
}

# images_present: every startable image pulled directly from the registry.
images_present() {
  local subj out
  for subj in "${STARTABLE[@]}"; do
    E image inspect "$(ref_via "$LOOP_PROFILE" "$subj")" >/dev/null 2>&1 && continue
    out=$(E pull -q "$(ref_via "$LOOP_PROFILE" "$subj")" 2>&1) || say "pull of $subj failed: $out"
  done
}

start_sample() {
  local phase=$1 prof=$2 subj=$3 rep=$4 wu=$5 detail=$6 ref res timeout=60
  if [[ "$phase" == start_cold ]]; then
    ref=$(ref_via "$prof" "$subj")
    timeout=900
    engine_wipe || { sample "$phase" "$subj" - "$rep" "$wu" seconds '' s fail "could not empty the measuring engine; pull through $prof"; return; }
  else
    ref=$(ref_via "$LOOP_PROFILE" "$subj")
  fi
  detail="$(ready_detail "$subj")${detail:+; $detail}"
  # FORMAT.md: the profile column is for pulls; a cold start names its
  # link in the detail ("pull through PROFILE") and env.json (cold_profile).
  prof=-
  if res=$(start_one "$ref" "$subj" "$timeout"); then
    sample "$phase" "$subj" "$prof" "$rep" "$wu" seconds "$(kv seconds "$res")" s ok \
      "$detail; docker run returned after $(kv command_seconds "$res") s"
  else
    sample "$phase" "$subj" "$prof" "$rep" "$wu" seconds '' s fail "$res; $detail"
  fi
}

phase_start_warm() {
  local rep subj n=${#STARTABLE[@]} reps detail=''
  ((n > 0)) || return 0
  engine_wipe >/dev/null || true
  images_present
  # About 2 s per start and removal on this kind of machine: cap the reps
  # (for every image alike, so the interleaving stays intact) by the budget.
  reps=$(plan_reps "$START_WARM_BUDGET" "$START_REPS" "all=$(awk -v n="$n" 'BEGIN { print 2 * n }')" | awk '{ print $2 }')
  phase_begin start_warm $(((reps + 1) * n))
  for subj in $(shuffled "${STARTABLE[@]}"); do
    progress "$subj (warm-up)" w
    start_sample start_warm - "$subj" 0 1 "$detail"
  done
  local t0
  t0=$(date +%s)
  for ((rep = 0; rep < reps; rep++)); do
    if ((rep > 0)) && over_budget "$t0" "$START_WARM_BUDGET"; then
      say "start_warm: budget of $START_WARM_BUDGET s used after $rep rounds; no further rounds"
      break
    fi
    for subj in $(shuffled "${STARTABLE[@]}"); do
      progress "$subj" "$rep"
      start_sample start_warm - "$subj" "$rep" 0 "$detail"
    done
  done
  annotate_caps start_warm "$START_REPS"
}

phase_start_cold() {
  local rep subj key r cap total=0 plan=() detail
  declare -A CAP=()
  ((${#STARTABLE[@]} > 0)) || return 0
  local est run=()
  for subj in "${STARTABLE[@]}"; do
    est=$(awk -v x="$(pull_est "$COLD_PROFILE" "$subj")" 'BEGIN { print x + 1 }')
    if over_max "$est"; then
      sample start_cold "$subj" - 0 0 seconds '' s fail \
        "not run: pull through $COLD_PROFILE estimated at $est s exceeds --pull-max $PULL_MAX s"
      continue
    fi
    plan+=("$subj=$est")
    run+=("$subj")
  done
  ((${#run[@]} > 0)) || return 0
  while read -r key r; do CAP[$key]=$r; total=$((total + r)); done < <(plan_reps "$START_BUDGET" "$START_REPS" "${plan[@]}")
  phase_begin start_cold "$total"
  local t0
  t0=$(date +%s)
  for ((rep = 0; rep < START_REPS; rep++)); do
    if ((rep > 0)) && over_budget "$t0" "$START_BUDGET"; then
      say "start_cold: budget of $START_BUDGET s used after $rep rounds; no further rounds"
      break
    fi
    for subj in $(shuffled "${run[@]}"); do
      cap=${CAP[$subj]}
      ((rep < cap)) || continue
      detail="pull through $COLD_PROFILE"
      progress "$subj" "$rep"
      start_sample start_cold "$COLD_PROFILE" "$subj" "$rep" 0 "$detail"
    done
  done
  annotate_caps start_cold "$START_REPS"
}
