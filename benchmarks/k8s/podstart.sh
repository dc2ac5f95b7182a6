#!/usr/bin/env bash
# podstart.sh: pod start-up benchmark on the current kubectl context
# (make bench-k8s). NOT EXERCISED against a live cluster on this project's
# machines (none can run there); the parsing is tested on recorded output.
#
# Environment (all optional except K8S_REGISTRY):
#   K8S_REGISTRY   registry the cluster's nodes can pull from, e.g.
#                  registry.example:5000 (required); images are pushed there
#   K8S_REPS       repetitions per variant, first one a warm-up (default 5)
#   K8S_SERVICES   default "hello whoami notes"
#   K8S_VARIANTS   default "naive alpine scratch"
#   K8S_REPLICAS   scale-out target (default 10; 0 skips the scale-out run)
#   K8S_NAMESPACE  default slimline-bench (created, PSS restricted enforced)
#   K8S_TIMEOUT    seconds to wait for Ready (default 180)
#   K8S_COLD_HOOK  command run before each cold repetition, e.g. one that
#                  removes the image from the nodes (crictl rmi); without it
#                  "cold" forces a registry round trip (fresh tag, policy
#                  Always) but a node may still hold the layers
#   ENGINE         docker (default) or a compatible CLI, for tag + push
#   IMAGE_PREFIX   local image names, default slimline
#   OUT            results folder (default results/<UTC time>-k8s)
#   BENCH_BIN      where k8s-phases and benchreport live (build/bench/bin)
# Writes OUT/samples.csv (phases k8s_cold, k8s_warm, k8s_scale; see
# docs/benchmarks-analysis.md), OUT/env.json, OUT/k8s/*.json (raw kubectl
# output, kept), then runs benchreport on OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=benchmarks/k8s

die() { echo "bench-k8s: $*" >&2; exit 1; }
say() { echo "bench-k8s: $*" >&2; }

: "${K8S_REGISTRY:=}"
[[ -n "$K8S_REGISTRY" ]] || die "K8S_REGISTRY is not set: name a registry the cluster can pull from, e.g. make bench-k8s K8S_REGISTRY=registry.example:5000"
[[ "$K8S_REGISTRY" =~ ^[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._/-]+)?$ ]] || die "K8S_REGISTRY '$K8S_REGISTRY' is not a registry host[:port][/path]"
command -v kubectl >/dev/null || die "kubectl not found in PATH"
ctx=$(kubectl config current-context 2>/dev/null) || die "kubectl has no current context (kubectl config use-context NAME)"
[[ -n "$ctx" ]] || die "kubectl has no current context (kubectl config use-context NAME)"

REPS=${K8S_REPS:-5}
SERVICES=${K8S_SERVICES:-hello whoami notes}
VARIANTS=${K8S_VARIANTS:-naive alpine scratch}
REPLICAS=${K8S_REPLICAS:-10}
NS=${K8S_NAMESPACE:-slimline-bench}
TIMEOUT=${K8S_TIMEOUT:-180}
ENGINE=${ENGINE:-docker}
IMAGE_PREFIX=${IMAGE_PREFIX:-slimline}
BENCH_BIN=${BENCH_BIN:-build/bench/bin}
RUN=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-results/$RUN-k8s}
PHASES=$BENCH_BIN/k8s-phases
[[ "$REPS" =~ ^[1-9][0-9]*$ ]] || die "K8S_REPS '$REPS' is not a positive integer"
[[ "$REPLICAS" =~ ^[0-9]+$ ]] || die "K8S_REPLICAS '$REPLICAS' is not a non-negative integer"
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "K8S_TIMEOUT '$TIMEOUT' is not a positive integer"
[[ -x "$PHASES" ]] || die "$PHASES missing (make benchtools)"
kubectl version -o json >/dev/null 2>&1 || die "the cluster of context '$ctx' does not answer (kubectl version)"

mkdir -p "$OUT/k8s"
SAMPLES=$OUT/samples.csv
echo 'phase,subject,service,variant,kind,profile,rep,warmup,metric,value,unit,status,detail' >"$SAMPLES"
kubectl version -o json >"$OUT/k8s/version.json" 2>/dev/null || true
{
  printf '{"mode":"k8s","context":"%s","registry":"%s","namespace":"%s","reps":%s,"replicas":%s,' \
    "$ctx" "$K8S_REGISTRY" "$NS" "$REPS" "$REPLICAS"
  printf '"cold_hook":%s,"git_revision":"%s"}\n' \
    "$([[ -n "${K8S_COLD_HOOK:-}" ]] && echo true || echo false)" "$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
} >"$OUT/env.json"

# render TEMPLATE NAME IMAGE POLICY SERVICE VARIANT
render() {
  sed -e "s|@NAME@|$2|g" -e "s|@NAMESPACE@|$NS|g" -e "s|@IMAGE@|$3|g" \
      -e "s|@POLICY@|$4|g" -e "s|@SERVICE@|$5|g" -e "s|@VARIANT@|$6|g" "$1"
}

fail_row() { # phase subject service variant rep warmup metric detail
  printf '%s,%s,%s,%s,service,-,%s,%s,%s,,s,fail,"%s"\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "${8//\"/\"\"}" >>"$SAMPLES"
}

kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl label --overwrite namespace "$NS" pod-security.kubernetes.io/enforce=restricted >/dev/null

# Push: one tag per repetition for cold runs (forces a registry round trip
# under imagePullPolicy Always even on nodes that pulled an earlier tag).
declare -a PAIRS=()
for s in $SERVICES; do
  for v in $VARIANTS; do
    local_ref=$IMAGE_PREFIX/$s:$v
    "$ENGINE" image inspect "$local_ref" >/dev/null 2>&1 || die "image $local_ref missing (make images)"
    PAIRS+=("$s $v")
    for ((r = 0; r < REPS; r++)); do
      remote=$K8S_REGISTRY/$IMAGE_PREFIX/$s:$v-$RUN-r$r
      "$ENGINE" tag "$local_ref" "$remote"
      say "push $remote"
      "$ENGINE" push "$remote" >/dev/null || die "push of $remote failed"
    done
  done
done

# one_pod PHASE SERVICE VARIANT REP POLICY IMAGE
one_pod() {
  local phase=$1 s=$2 v=$3 r=$4 policy=$5 image=$6 warm=0 name raw
  local subj=$IMAGE_PREFIX/$s:$v  # stable subject; the pushed tag is per repetition
  ((r == 0)) && warm=1
  name=sl-$s-$v-${phase#k8s_}-$r
  name=${name//_/-}
  raw=$OUT/k8s/$name
  render "$HERE/pod.yaml.in" "$name" "$image" "$policy" "$s" "$v" >"$raw.yaml"
  kubectl -n "$NS" delete pod "$name" --ignore-not-found --wait=true >/dev/null
  kubectl apply -f "$raw.yaml" >/dev/null || { fail_row "$phase" "$subj" "$s" "$v" "$r" "$warm" ready_s "kubectl apply failed"; return; }
  kubectl -n "$NS" wait --for=condition=Ready "pod/$name" --timeout="${TIMEOUT}s" >/dev/null 2>&1 || say "$name: not Ready within ${TIMEOUT}s"
  kubectl -n "$NS" get pod "$name" -o json >"$raw.pod.json"
  kubectl -n "$NS" get events --field-selector "involvedObject.name=$name" -o json >"$raw.events.json"
  if ! "$PHASES" --pod "$raw.pod.json" --events "$raw.events.json" --phase "$phase" \
      --subject "$subj" --service "$s" --variant "$v" --kind service --rep "$r" --warmup "$warm" >>"$SAMPLES"; then
    fail_row "$phase" "$subj" "$s" "$v" "$r" "$warm" ready_s "k8s-phases could not read the recorded output"
  fi
  kubectl -n "$NS" delete pod "$name" --wait=true >/dev/null
}

total=$((REPS * ${#PAIRS[@]}))
n=0
t_start=$(date +%s)
for ((r = 0; r < REPS; r++)); do
  for pair in "${PAIRS[@]}"; do   # variants interleaved within each repetition
    read -r s v <<<"$pair"
    n=$((n + 1))
    elapsed=$(($(date +%s) - t_start))
    say "rep $r/$((REPS - 1)) $s:$v ($n/$total, ~$((elapsed * (total - n + 1) / n))s left)"
    image=$K8S_REGISTRY/$IMAGE_PREFIX/$s:$v-$RUN-r$r
    if [[ -n "${K8S_COLD_HOOK:-}" ]]; then
      bash -c "$K8S_COLD_HOOK" _ "$image" || say "cold hook failed for $image"
    fi
    one_pod k8s_cold "$s" "$v" "$r" Always "$image"
    one_pod k8s_warm "$s" "$v" "$r" IfNotPresent "$image"
  done
done

# Scale-out: Deployment 0 -> REPLICAS, time until all Ready.
if ((REPLICAS > 0)); then
  for ((r = 0; r < REPS; r++)); do
    for pair in "${PAIRS[@]}"; do
      read -r s v <<<"$pair"
      warm=0; ((r == 0)) && warm=1
      image=$K8S_REGISTRY/$IMAGE_PREFIX/$s:$v-$RUN-r0
      subj=$IMAGE_PREFIX/$s:$v
      name=sl-scale-$s-$v
      raw=$OUT/k8s/$name-$r
      say "scale $s:$v 0 -> $REPLICAS (rep $r)"
      render "$HERE/deployment.yaml.in" "$name" "$image" IfNotPresent "$s" "$v" >"$raw.yaml"
      kubectl apply -f "$raw.yaml" >/dev/null
      kubectl -n "$NS" scale deployment "$name" --replicas=0 >/dev/null
      kubectl -n "$NS" wait --for=delete pod -l "org.slimline/run=$name" --timeout="${TIMEOUT}s" >/dev/null 2>&1 || true
      start=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
      t0=$(date +%s%N)
      kubectl -n "$NS" scale deployment "$name" --replicas="$REPLICAS" >/dev/null
      if kubectl -n "$NS" rollout status "deployment/$name" --timeout="${TIMEOUT}s" >/dev/null 2>&1; then
        t1=$(date +%s%N)
        printf 'k8s_scale,%s,%s,%s,service,-,%s,%s,wall_s,%s,s,ok,\n' "$subj" "$s" "$v" "$r" "$warm" \
          "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')" >>"$SAMPLES"
      else
        fail_row k8s_scale "$subj" "$s" "$v" "$r" "$warm" wall_s "rollout not complete within ${TIMEOUT}s"
      fi
      kubectl -n "$NS" get pods -l "org.slimline/run=$name" -o json >"$raw.pods.json"
      "$PHASES" --scale --pods "$raw.pods.json" --start "$start" --replicas "$REPLICAS" \
        --subject "$subj" --service "$s" --variant "$v" --kind service --rep "$r" --warmup "$warm" >>"$SAMPLES" ||
        fail_row k8s_scale "$subj" "$s" "$v" "$r" "$warm" all_ready_s "k8s-phases could not read the pod list"
      kubectl -n "$NS" delete deployment "$name" --wait=true >/dev/null
    done
  done
fi

if [[ -x "$BENCH_BIN/benchreport" ]]; then
  "$BENCH_BIN/benchreport" "$OUT" || say "benchreport failed"
fi
say "results in $OUT"
