#!/usr/bin/env bash
# podstart.sh: pod start-up benchmark on the current kubectl context
# (make bench-k8s). NOT RUN against a live cluster on this project's
# machines (none can run there); its parsing is tested on constructed
# kubectl output (tests/fixtures/k8s, make check-k8s). See docs/k8s.md.
#
# Environment (all optional except K8S_REGISTRY):
#   K8S_REGISTRY   registry the cluster's nodes can pull from, e.g.
#                  registry.example:5000 (required); images are pushed there
#   K8S_NODE       the node every pod is pinned to (nodeSelector
#                  kubernetes.io/hostname); default: the first Ready node
#                  that is not cordoned
#   K8S_COLD_HOOK  command run as `bash -c "$K8S_COLD_HOOK" _ IMAGE NODE`
#                  before each cold pod; it must remove IMAGE and its layers
#                  from NODE (not the sandbox/pause image), e.g.
#                  'ssh "$2" crictl rmi "$1"'. Without it no cold pods run:
#                  a fresh tag or digest leaves the layer blobs on the node
#   K8S_REPS       repetitions per image (default 5)
#   K8S_SERVICES   default "hello whoami notes"
#   K8S_VARIANTS   default "naive alpine scratch"
#   K8S_REPLICAS   scale-out target (default 10; 0 skips the scale-out run)
#   K8S_NAMESPACE  default slimline-bench (created, PSS restricted enforced)
#   K8S_TIMEOUT    seconds to wait for Ready (default 180)
#   ENGINE         docker (default) or a compatible CLI, for tag, push and
#                  manifest inspect
#   IMAGE_PREFIX   local image names, default slimline
#   OUT            results folder (default results/<UTC time>-k8s)
#   BENCH_BIN      where k8s-phases, manifest-size, benchreport live
# Writes OUT/samples.csv (phases k8s_cold, k8s_warm, k8s_scale; metrics in
# docs/k8s.md), OUT/env.json (cluster, node, runtime, whether cold ran and
# why not), OUT/k8s/* (rendered manifests, kubectl output, stamped watches,
# kept), then runs benchreport on OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=benchmarks/k8s

die() { echo "bench-k8s: $*" >&2; exit 1; }
say() { echo "bench-k8s: $*" >&2; }

: "${K8S_REGISTRY:=}"
[[ -n "$K8S_REGISTRY" ]] || die "K8S_REGISTRY is not set: name a registry the cluster can pull from, e.g. make bench-k8s K8S_REGISTRY=registry.example:5000"
[[ "$K8S_REGISTRY" =~ ^[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._/-]+)?$ ]] || die "K8S_REGISTRY '$K8S_REGISTRY' is not a registry host[:port][/path]"

REPS=${K8S_REPS:-5}
SERVICES=${K8S_SERVICES:-hello whoami notes}
VARIANTS=${K8S_VARIANTS:-naive alpine scratch}
REPLICAS=${K8S_REPLICAS:-10}
NS=${K8S_NAMESPACE:-slimline-bench}
TIMEOUT=${K8S_TIMEOUT:-180}
NODE=${K8S_NODE:-}
HOOK=${K8S_COLD_HOOK:-}
ENGINE=${ENGINE:-docker}
IMAGE_PREFIX=${IMAGE_PREFIX:-slimline}
BENCH_BIN=${BENCH_BIN:-build/bench/bin}
RUN=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-results/$RUN-k8s}
PHASES=$BENCH_BIN/k8s-phases
# Inputs are checked before anything is contacted.
[[ "$REPS" =~ ^[1-9][0-9]*$ ]] || die "K8S_REPS '$REPS' is not a positive integer"
[[ "$REPLICAS" =~ ^[0-9]+$ ]] || die "K8S_REPLICAS '$REPLICAS' is not a non-negative integer"
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "K8S_TIMEOUT '$TIMEOUT' is not a positive integer"
[[ -z "$NODE" || "$NODE" =~ ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$ ]] || die "K8S_NODE '$NODE' is not a node name"
command -v kubectl >/dev/null || die "kubectl not found in PATH"
ctx=$(kubectl config current-context 2>/dev/null) || die "kubectl has no current context (kubectl config use-context NAME)"
[[ -n "$ctx" ]] || die "kubectl has no current context (kubectl config use-context NAME)"
[[ -x "$PHASES" ]] || die "$PHASES missing (make benchtools)"
kubectl version -o json >/dev/null 2>&1 || die "the cluster of context '$ctx' does not answer (kubectl version)"

# The node: pinned for every pod, so all of them share one kubelet, one
# runtime and one image store.
if [[ -z "$NODE" ]]; then
  NODE=$(kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.spec.unschedulable}{"\t"}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
    awk -F'\t' '$2 != "true" && $3 == "True" { print $1; exit }')
  [[ -n "$NODE" ]] || die "no node is Ready and schedulable (kubectl get nodes); set K8S_NODE"
fi
kubectl get node "$NODE" >/dev/null 2>&1 || die "node '$NODE' not found (kubectl get nodes)"
[[ $(kubectl get node "$NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}') == True ]] ||
  die "node '$NODE' is not Ready (kubectl describe node $NODE)"
NODE_HOST=$(kubectl get node "$NODE" -o jsonpath='{.metadata.labels.kubernetes\.io/hostname}')
[[ -n "$NODE_HOST" ]] || die "node '$NODE' has no kubernetes.io/hostname label to pin pods to"
RUNTIME=$(kubectl get node "$NODE" -o jsonpath='{.status.nodeInfo.containerRuntimeVersion}')
KUBELET=$(kubectl get node "$NODE" -o jsonpath='{.status.nodeInfo.kubeletVersion}')
say "pods pinned to node $NODE (kubelet $KUBELET, runtime $RUNTIME)"

if [[ -n "$HOOK" ]]; then
  COLD_WHY=''
else
  COLD_WHY="not run: K8S_COLD_HOOK is not set. A fresh tag or digest is not cold: the node keeps the layer blobs and the pull fetches a manifest only. Set K8S_COLD_HOOK to a command that removes the image and its layers from the node, run as: bash -c \"\$K8S_COLD_HOOK\" _ IMAGE NODE"
  say "k8s_cold: $COLD_WHY"
fi

mkdir -p "$OUT/k8s"
SAMPLES=$OUT/samples.csv
echo 'phase,subject,service,variant,kind,profile,rep,warmup,metric,value,unit,status,detail' >"$SAMPLES"
kubectl version -o json >"$OUT/k8s/version.json" 2>/dev/null || true
json_str() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
{
  printf '{"mode":"k8s","context":%s,"registry":%s,"namespace":%s,"reps":%s,"replicas":%s,' \
    "$(json_str "$ctx")" "$(json_str "$K8S_REGISTRY")" "$(json_str "$NS")" "$REPS" "$REPLICAS"
  printf '"node":%s,"node_hostname":%s,"kubelet":%s,"runtime":%s,' \
    "$(json_str "$NODE")" "$(json_str "$NODE_HOST")" "$(json_str "$KUBELET")" "$(json_str "$RUNTIME")"
  printf '"cold_hook":%s,"k8s_cold":%s,' "$([[ -n "$HOOK" ]] && echo true || echo false)" \
    "$(json_str "${COLD_WHY:-run: K8S_COLD_HOOK before each cold pod}")"
  printf '"timing":"client-side watch arrival (ms, watch_* metrics) beside the API server timestamps (1 s, *_s metrics)",'
  printf '"limits":"none: no CPU or memory requests or limits","git_revision":%s}\n' \
    "$(json_str "$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)")"
} >"$OUT/env.json"

# render TEMPLATE NAME IMAGE POLICY SERVICE VARIANT
render() {
  sed -e "s|@NAME@|$2|g" -e "s|@NAMESPACE@|$NS|g" -e "s|@IMAGE@|$3|g" \
      -e "s|@POLICY@|$4|g" -e "s|@SERVICE@|$5|g" -e "s|@VARIANT@|$6|g" \
      -e "s|@NODE_HOSTNAME@|$NODE_HOST|g" "$1"
}

fail_row() { # phase subject service variant rep warmup metric detail
  printf '%s,%s,%s,%s,service,-,%s,%s,%s,,s,fail,"%s"\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "${8//\"/\"\"}" >>"$SAMPLES"
}

kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl label --overwrite namespace "$NS" pod-security.kubernetes.io/enforce=restricted >/dev/null

# Push: one tag per image for this run. Cold comes from K8S_COLD_HOOK, not
# from tags. The registry's byte count of each image is kept to check the
# kubelet's "Image size" of cold pulls (containerd reports the same
# compressed bytes; other runtimes report other sizes, so no check there).
declare -a PAIRS=()
declare -A IMAGE=() EXPECT=()
for s in $SERVICES; do
  for v in $VARIANTS; do
    local_ref=$IMAGE_PREFIX/$s:$v
    "$ENGINE" image inspect "$local_ref" >/dev/null 2>&1 || die "image $local_ref missing (make images)"
    PAIRS+=("$s $v")
    remote=$K8S_REGISTRY/$IMAGE_PREFIX/$s:$v-$RUN
    IMAGE[$s $v]=$remote
    "$ENGINE" tag "$local_ref" "$remote"
    say "push $remote"
    "$ENGINE" push "$remote" >/dev/null || die "push of $remote failed"
    EXPECT[$s $v]=''
    if [[ "$RUNTIME" == containerd://* && -x "$BENCH_BIN/manifest-size" ]] &&
       "$ENGINE" manifest inspect --insecure "$remote" >"$OUT/k8s/$s-$v.manifest.json" 2>/dev/null; then
      EXPECT[$s $v]=$("$BENCH_BIN/manifest-size" "$OUT/k8s/$s-$v.manifest.json" | sed -n 's/.*wire_bytes=\([0-9]*\).*/\1/p')
    fi
  done
done

# A stamped watch in the background: kubectl -> FIFO -> k8s-phases --stamp.
# watch_begin waits until the watch request is open (kubectl -v=6 logs it),
# so no early state change is missed; watch_end stops both.
WATCH=()
cleanup() { local p; for p in "${WATCH[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
watch_begin() { # RESOURCE OUTFILE SELECTOR_ARGS...
  local what=$1 out=$2 fifo=$2.fifo log=$2.log i
  shift 2
  rm -f "$fifo"
  mkfifo "$fifo"
  "$PHASES" --stamp <"$fifo" >"$out" &
  WATCH+=($!)
  kubectl -n "$NS" get "$what" -w --output-watch-events -o json "$@" -v=6 >"$fifo" 2>"$log" &
  WATCH+=($!)
  for ((i = 0; i < 200; i++)); do
    grep -q 'watch=true.*200 OK' "$log" 2>/dev/null && return 0
    sleep 0.05
  done
  die "the watch of $what ($*) did not open within 10 s (see $log)"
}
watch_end() {
  local p n=${#WATCH[@]} i t
  sleep 1 # objects in flight when Ready was seen
  for ((i = 1; i < n; i += 2)); do kill "${WATCH[i]}" 2>/dev/null || true; done
  # the stampers end at EOF of their FIFO; give them 2 s, then stop them
  for ((i = 0; i < n; i += 2)); do
    for ((t = 0; t < 40; t++)); do kill -0 "${WATCH[i]}" 2>/dev/null || break; sleep 0.05; done
    kill "${WATCH[i]}" 2>/dev/null || true
  done
  for p in "${WATCH[@]}"; do wait "$p" 2>/dev/null || true; done
  WATCH=()
  rm -f "$OUT"/k8s/*.fifo
}

# one_pod PHASE SERVICE VARIANT REP WARMUP
one_pod() {
  local phase=$1 s=$2 v=$3 r=$4 wu=$5 name raw image=${IMAGE[$2 $3]} rc extra=()
  local subj=$IMAGE_PREFIX/$s:$v
  name=sl-$s-$v-${phase#k8s_}-$r$( ((wu)) && echo -w)
  name=${name//_/-}
  raw=$OUT/k8s/$name
  render "$HERE/pod.yaml.in" "$name" "$image" IfNotPresent "$s" "$v" >"$raw.yaml"
  kubectl -n "$NS" delete pod "$name" --ignore-not-found --wait=true >/dev/null
  if [[ "$phase" == k8s_cold ]]; then
    rc=0
    bash -c "$HOOK" _ "$image" "$NODE" >"$raw.hook.log" 2>&1 || rc=$?
    if ((rc != 0)); then
      fail_row "$phase" "$subj" "$s" "$v" "$r" "$wu" ready_s "K8S_COLD_HOOK failed (exit $rc, $raw.hook.log): not cold, not measured"
      return
    fi
    [[ -n "${EXPECT[$s $v]}" ]] && extra=(--expect-bytes "${EXPECT[$s $v]}")
  fi
  watch_begin pods "$raw.pods.stamped" --field-selector "metadata.name=$name"
  watch_begin events "$raw.events.stamped" --field-selector "involvedObject.name=$name"
  if ! kubectl create -f "$raw.yaml" >/dev/null; then
    watch_end
    fail_row "$phase" "$subj" "$s" "$v" "$r" "$wu" ready_s "kubectl create failed"
    return
  fi
  kubectl -n "$NS" wait --for=condition=Ready "pod/$name" --timeout="${TIMEOUT}s" >/dev/null 2>&1 || say "$name: not Ready within ${TIMEOUT}s"
  watch_end
  kubectl -n "$NS" get pod "$name" -o json >"$raw.pod.json"
  kubectl -n "$NS" get events --field-selector "involvedObject.name=$name" -o json >"$raw.events.json"
  if ! "$PHASES" --pod "$raw.pod.json" --events "$raw.events.json" \
      --watch "$raw.pods.stamped" --watch-events "$raw.events.stamped" --name "$name" "${extra[@]}" \
      --phase "$phase" --subject "$subj" --service "$s" --variant "$v" --kind service \
      --rep "$r" --warmup "$wu" >>"$SAMPLES" 2>"$raw.phases.err"; then
    fail_row "$phase" "$subj" "$s" "$v" "$r" "$wu" ready_s "k8s-phases could not read the recorded output: $(head -c 200 "$raw.phases.err")"
  fi
  kubectl -n "$NS" delete pod "$name" --wait=true >/dev/null
}

# Warm-up: one pod per image (warmup=1), so the node holds the sandbox
# image and every image before the first measured pod.
for pair in "${PAIRS[@]}"; do
  read -r s v <<<"$pair"
  say "warm-up $s:$v"
  one_pod k8s_warm "$s" "$v" 0 1
done

total=$((REPS * ${#PAIRS[@]}))
n=0
t_start=$(date +%s)
for ((r = 0; r < REPS; r++)); do
  for pair in "${PAIRS[@]}"; do   # images interleaved within each repetition
    read -r s v <<<"$pair"
    n=$((n + 1))
    elapsed=$(($(date +%s) - t_start))
    say "rep $r/$((REPS - 1)) $s:$v ($n/$total, ~$((elapsed * (total - n + 1) / n))s left)"
    # Cold only with the hook, every repetition (none is a warm-up); the
    # warm pod follows on the image the cold pod just pulled.
    [[ -n "$HOOK" ]] && one_pod k8s_cold "$s" "$v" "$r" 0
    one_pod k8s_warm "$s" "$v" "$r" 0
  done
done

# Scale-out: Deployment 0 -> REPLICAS on the pinned node, timed by the
# watch (first and last pod Ready) and by the API server's Ready times.
if ((REPLICAS > 0)); then
  for ((r = 0; r < REPS; r++)); do
    for pair in "${PAIRS[@]}"; do
      read -r s v <<<"$pair"
      warm=0; ((r == 0)) && warm=1
      subj=$IMAGE_PREFIX/$s:$v
      name=sl-scale-$s-$v
      raw=$OUT/k8s/$name-$r
      say "scale $s:$v 0 -> $REPLICAS (rep $r)"
      render "$HERE/deployment.yaml.in" "$name" "${IMAGE[$s $v]}" IfNotPresent "$s" "$v" >"$raw.yaml"
      kubectl apply -f "$raw.yaml" >/dev/null
      kubectl -n "$NS" scale deployment "$name" --replicas=0 >/dev/null
      kubectl -n "$NS" wait --for=delete pod -l "org.slimline/run=$name" --timeout="${TIMEOUT}s" >/dev/null 2>&1 || true
      watch_begin pods "$raw.pods.stamped" -l "org.slimline/run=$name"
      ns0=$(date +%s%N)
      start=$(date -u -d "@${ns0:0:-9}.${ns0: -9}" +%Y-%m-%dT%H:%M:%S.%NZ)
      kubectl -n "$NS" scale deployment "$name" --replicas="$REPLICAS" >/dev/null
      if kubectl -n "$NS" rollout status "deployment/$name" --timeout="${TIMEOUT}s" >/dev/null 2>&1; then
        t1=$(date +%s%N)
        printf 'k8s_scale,%s,%s,%s,service,-,%s,%s,wall_s,%s,s,ok,\n' "$subj" "$s" "$v" "$r" "$warm" \
          "$(awk -v a="$ns0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')" >>"$SAMPLES"
      else
        fail_row k8s_scale "$subj" "$s" "$v" "$r" "$warm" wall_s "rollout not complete within ${TIMEOUT}s"
      fi
      watch_end
      kubectl -n "$NS" get pods -l "org.slimline/run=$name" -o json >"$raw.pods.json"
      "$PHASES" --scale --pods "$raw.pods.json" --start "$start" --watch "$raw.pods.stamped" --start-ns "$ns0" \
        --replicas "$REPLICAS" --subject "$subj" --service "$s" --variant "$v" --kind service --rep "$r" \
        --warmup "$warm" >>"$SAMPLES" ||
        fail_row k8s_scale "$subj" "$s" "$v" "$r" "$warm" all_ready_s "k8s-phases could not read the pod list"
      kubectl -n "$NS" delete deployment "$name" --wait=true >/dev/null
    done
  done
fi

if [[ -x "$BENCH_BIN/benchreport" ]]; then
  "$BENCH_BIN/benchreport" "$OUT" || say "benchreport failed"
fi
[[ -z "$COLD_WHY" ]] || say "k8s_cold: $COLD_WHY"
say "results in $OUT"
