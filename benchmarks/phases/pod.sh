# pod.sh: pod startup through Kubernetes' runtime interface (CRI) of a
# private containerd, the kubelet's half of a pod start. Steps of plan.tsv.
#
# The client (podbench, benchmarks/cri/) makes the kubelet's calls in order:
# RunPodSandbox, PullImage (when the image is absent), CreateContainer,
# StartContainer, then probes http://127.0.0.1:PORT/READY_PATH every 1 ms,
# each attempt bounded to 20 ms. Pods use host networking (no CNI here).
# Per sample, milliseconds from the RunPodSandbox call (cumulative):
#   sandbox_ms  the sandbox is ready (pause container running)
#   pulled_ms   the image is present (PullImage returned, or ImageStatus
#               found it: warm pods)
#   created_ms  CreateContainer returned
#   started_ms  StartContainer returned
#   ready_ms    the first 200 from the probe
#   cri_started_ms  the CRI's own ContainerStatus.StartedAt on the same
#               axis (the second clock: what the runtime recorded)
#   ready_excl_pull_ms  ready_ms minus the pull (pulled_ms - sandbox_ms):
#               the figure Kubernetes' pod-startup SLO speaks of
#   start_call_ms  started_ms - created_ms: the StartContainer call, where
#               runc and crun differ
#   attempts    probe attempts
# pod_warm: the image is present. pod_cold: every image and every blob
# removed first (podbench rmi verifies with the content store that nothing
# is left; the pause image stays pinned, as on a node), then pulled through
# the profile's link emulator.
# Security context: the alpine and scratch images of the services run with
# deploy/k8s's (uid 65532, non-root, read-only root, no privilege
# escalation, drop ALL, RuntimeDefault seccomp), args, env and volumes
# (benchmarks/cri/pods.json, checked against the manifests); naive images,
# peers run as their images define them; the floor gets the restricted
# context without a spec, so that it is the floor of the pods it is
# compared with. No CPU or memory
# limits. Each sample's detail names the security context used.

CRI_DIR='' CRI_SOCK='' PODBENCH=$BIN/podbench
CONTAINERD_SH=$ROOT/benchmarks/cri/containerd.sh
PAUSE_SH=$ROOT/benchmarks/cri/pause.sh
POD_SPEC=$ROOT/benchmarks/cri/pods.json
POD_METRICS="sandbox_ms pulled_ms created_ms started_ms ready_ms cri_started_ms ready_excl_pull_ms attempts"

pods_start() {
  [[ -z "$CRI_SOCK" ]] || return 0
  local pause ref n
  [[ -x "$PODBENCH" ]] || { say "pods: $PODBENCH missing (make cri-tools)"; return 1; }
  CRI_DIR=$BENCH_WORK/containerd
  pause=$BUILD_DIR/cri/pause
  [[ -s "$pause/digest" ]] || bash "$PAUSE_SH" build "$pause" >/dev/null 2>>"$OUT/logs/containerd.log" ||
    { say "pods: cannot build the pause image (logs/containerd.log)"; return 1; }
  ref=$(bash "$PAUSE_SH" push "$pause" "$REG_HOST:$REG_PORT" 2>>"$OUT/logs/containerd.log") ||
    { say "pods: cannot push the pause image (logs/containerd.log)"; return 1; }
  local args=(start "$CRI_DIR" --sandbox-image "$ref" --registry "$REG_HOST:$REG_PORT")
  CRI_SOCK=$(PODBENCH=$PODBENCH bash "$CONTAINERD_SH" "${args[@]}" 2>>"$OUT/logs/containerd.log") ||
    { CRI_SOCK=''; say "pods: private containerd did not start (logs/containerd.log)"; return 1; }
  on_exit pods_stop
  for n in "${PROFILES[@]}"; do
    [[ "${PROF_PORT[$n]}" == "$REG_PORT" ]] && continue
    bash "$CONTAINERD_SH" route "$CRI_DIR" "127.0.0.1:${PROF_PORT[$n]}" >>"$OUT/logs/containerd.log" 2>&1 ||
      { say "pods: cannot route 127.0.0.1:${PROF_PORT[$n]}"; return 1; }
  done
  say "pods: private containerd up ($CRI_SOCK), sandbox image $ref"
  POD_SANDBOX_REF=$ref
}

pods_stop() {
  [[ -n "$CRI_SOCK" ]] || return 0
  bash "$CONTAINERD_SH" stop "$CRI_DIR" --purge >>"$OUT/logs/containerd.log" 2>&1 ||
    say "pods: containerd stop reported a problem (logs/containerd.log)"
  CRI_SOCK=''
}

block_begin_pod_warm() { pods_start && pods_present; }
block_begin_pod_cold() { pods_start; }

P() { "$PODBENCH" "$1" --socket "$CRI_SOCK" "${@:2}"; }

# pods_present: every startable image present in containerd (warm pods).
pods_present() {
  local subj out
  for subj in "${STARTABLE[@]}"; do
    [[ "${IMG_KIND[$subj]}" != native ]] || continue
    out=$(P pull --image "$(ref_via "$LOOP_PROFILE" "$subj")" --timeout 300s 2>&1) ||
      say "pods: pull of $subj failed: ${out:0:200}"
  done
}

# pod_args SUBJECT: the security context and command line of the pod.
pod_args() {
  local subj=$1
  if [[ "${IMG_KIND[$subj]}" == service && "${IMG_VARIANT[$subj]}" != naive ]]; then
    printf '%s\n' --spec "$POD_SPEC" --service "${IMG_SERVICE[$subj]}" --volume-dir "$BENCH_WORK/pod-volumes"
  elif [[ "${IMG_KIND[$subj]}" == floor ]]; then
    # The floor of the pods it is compared with: the same restricted
    # context (seccomp in the sandbox costs ~10 ms), the port by env.
    printf '%s\n' --security restricted --ready-path "${IMG_READY[$subj]}"
  else
    printf '%s\n' --security image --ready-path "${IMG_READY[$subj]}"
  fi
}

pod_security_detail() {
  if [[ "${IMG_KIND[$1]}" == service && "${IMG_VARIANT[$1]}" != naive ]]; then
    echo "security context of deploy/k8s/${IMG_SERVICE[$1]}.yaml (uid 65532, read-only root, drop ALL, RuntimeDefault seccomp), its args and env"
  elif [[ "${IMG_KIND[$1]}" == floor ]]; then
    echo "restricted security context (uid 65532, read-only root, drop ALL, RuntimeDefault seccomp), as the services' pods"
  else
    echo "as the image defines (no security context)"
  fi
}

pod_fail() {
  local phase=$1 subj=$2 prof=$3 rt=$4 rep=$5 wu=$6 why=$7
  sample "$phase" "$subj" "$prof" "$rt" "$rep" "$wu" ready_ms '' ms fail "$why"
}

# pod_sample PHASE SUBJECT PROFILE RUNTIME REP WARMUP NOTE
pod_sample() {
  local phase=$1 subj=$2 prof=$3 rt=$4 rep=$5 wu=$6 note=$7 ref port out m v detail args
  local via=$prof
  [[ "$phase" == pod_cold ]] || via=$LOOP_PROFILE
  ref=$(ref_via "$via" "$subj")
  if [[ -z "$CRI_SOCK" ]]; then
    pod_fail "$phase" "$subj" "$prof" "$rt" "$rep" "$wu" "no private containerd (see the log)"
    return
  fi
  # Cold: every image but the pinned sandbox image removed, and checked
  # (content store and snapshots): the same layers under another name
  # (the warm pods' references) would otherwise make the "pull" local.
  if [[ "$phase" == pod_cold ]] && ! out=$(P rmi --all 2>&1); then
    pod_fail "$phase" "$subj" "$prof" "$rt" "$rep" "$wu" "could not remove the image before a cold pod: ${out:0:200}"
    return
  fi
  port=$(free_port)
  mapfile -t args < <(pod_args "$subj")
  rm -rf "$BENCH_WORK/pod-volumes"
  if ! out=$(P run --image "$ref" --runtime "$rt" --port "$port" "${args[@]}" --rm \
    --timeout 600s 2>"$BENCH_WORK/pod.err"); then
    pod_fail "$phase" "$subj" "$prof" "$rt" "$rep" "$wu" "$(tail -c 300 "$BENCH_WORK/pod.err" | tr '\n' ' ')"
    P rm --all >/dev/null 2>&1
    return
  fi
  detail=$(join_detail "$(pod_security_detail "$subj")" "pull: $(kv pull "$out")" "$note")
  [[ "$phase" != pod_cold ]] || detail=$(join_detail "pulled through $prof" "$detail")
  for m in sandbox_ms pulled_ms created_ms started_ms ready_ms cri_started_ms; do
    v=$(kv "$m" "$out")
    if [[ "$v" =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then
      sample "$phase" "$subj" "$prof" "$rt" "$rep" "$wu" "$m" "$v" ms ok \
        "$([[ "$m" == ready_ms ]] && echo "$detail" || echo "ms from the RunPodSandbox call")"
    else
      sample "$phase" "$subj" "$prof" "$rt" "$rep" "$wu" "$m" '' ms fail "no $m in podbench's line"
    fi
  done
  v=$(awk -v r="$(kv ready_ms "$out")" -v p="$(kv pulled_ms "$out")" -v s="$(kv sandbox_ms "$out")" \
    'BEGIN { printf "%.3f", r - (p - s) }')
  sample "$phase" "$subj" "$prof" "$rt" "$rep" "$wu" ready_excl_pull_ms "$v" ms ok "ready minus the image pull"
  v=$(awk -v a="$(kv started_ms "$out")" -v b="$(kv created_ms "$out")" 'BEGIN { printf "%.3f", a - b }')
  sample "$phase" "$subj" "$prof" "$rt" "$rep" "$wu" start_call_ms "$v" ms ok \
    "the StartContainer call alone (started minus created): the runtime's per-container start"
  sample "$phase" "$subj" "$prof" "$rt" "$rep" "$wu" attempts "$(kv probe_attempts "$out")" count ok "probe attempts"
}

step_pod_warm() { pod_sample pod_warm "$1" - "$3" "$4" "$5" "$6"; }
step_pod_cold() { pod_sample pod_cold "$@"; }
