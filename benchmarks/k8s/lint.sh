#!/usr/bin/env bash
# lint.sh: offline checks of the Kubernetes bench (make check-k8s):
#  - the rendered Pod and Deployment meet Pod Security Standards
#    "restricted" (python3-yaml parses them; each required field checked)
#    and pin their pods to the node (nodeSelector kubernetes.io/hostname);
#  - podstart.sh refuses to run without K8S_REGISTRY or a kubectl context,
#    or with a malformed K8S_NODE, with a clear message, before touching
#    anything;
#  - k8s-phases turns the constructed fixtures (API server timestamps and
#    stamped watches) into rows benchreport accepts, fails cold samples that
#    were not cold, and rejects bad usage with exit 2.
# No cluster is contacted: the live path has not run on these machines.
# Ends with the closing line of tests/lib/test-lib.sh.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
BIN=${BENCH_BIN:-build/bench/bin}
FIX=tests/fixtures/k8s
# shellcheck source=tests/lib/test-lib.sh
. tests/lib/test-lib.sh
tmp=$TL_TMP

render() {
  sed -e "s|@NAME@|lint|g" -e "s|@NAMESPACE@|ns|g" -e "s|@IMAGE@|reg:5000/slimline/hello:scratch|g" \
      -e "s|@POLICY@|Always|g" -e "s|@SERVICE@|hello|g" -e "s|@VARIANT@|scratch|g" \
      -e "s|@NODE_HOSTNAME@|worker-1|g" "$1"
}

for t in pod deployment; do
  render "benchmarks/k8s/$t.yaml.in" >"$tmp/$t.yaml"
  if out=$(python3 - "$tmp/$t.yaml" 2>&1 <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
spec = doc["spec"]["template"]["spec"] if doc["kind"] == "Deployment" else doc["spec"]
errs = []
if "@" in open(sys.argv[1]).read(): errs.append("placeholder left unrendered")
if spec.get("nodeSelector", {}).get("kubernetes.io/hostname") != "worker-1": errs.append("pods not pinned (nodeSelector kubernetes.io/hostname)")
psc = spec.get("securityContext", {})
for k in ("hostNetwork", "hostPID", "hostIPC"):
    if spec.get(k): errs.append("pod %s set" % k)
for v in spec.get("volumes", []):
    kinds = set(v) - {"name"}
    if not kinds <= {"emptyDir", "configMap", "secret", "projected", "downwardAPI", "persistentVolumeClaim", "ephemeral", "csi"}:
        errs.append("volume %s uses %s" % (v["name"], kinds))
for c in spec["containers"] + spec.get("initContainers", []):
    sc = c.get("securityContext", {})
    def eff(key):
        return sc.get(key, psc.get(key))
    if eff("runAsNonRoot") is not True: errs.append("%s: runAsNonRoot not true" % c["name"])
    if eff("runAsUser") != 65532: errs.append("%s: runAsUser not 65532" % c["name"])
    if sc.get("allowPrivilegeEscalation") is not False: errs.append("%s: allowPrivilegeEscalation not false" % c["name"])
    if sc.get("privileged"): errs.append("%s: privileged" % c["name"])
    if sc.get("capabilities", {}).get("drop") != ["ALL"]: errs.append("%s: capabilities not drop ALL" % c["name"])
    if set(sc.get("capabilities", {}).get("add", [])) - {"NET_BIND_SERVICE"}: errs.append("%s: adds capabilities" % c["name"])
    if (eff("seccompProfile") or {}).get("type") not in ("RuntimeDefault", "Localhost"): errs.append("%s: seccompProfile not RuntimeDefault" % c["name"])
    if sc.get("readOnlyRootFilesystem") is not True: errs.append("%s: readOnlyRootFilesystem not true" % c["name"])
    if c.get("imagePullPolicy") != "Always": errs.append("%s: imagePullPolicy placeholder not rendered" % c["name"])
    for p in c.get("ports", []):
        if "hostPort" in p: errs.append("%s: hostPort" % c["name"])
print("; ".join(errs))
sys.exit(1 if errs else 0)
PY
  ); then ok "$t.yaml.in meets PSS restricted, pods pinned to the node"; else not_ok "$t.yaml.in: $out"; fi
done

out=$(env -u K8S_REGISTRY bash benchmarks/k8s/podstart.sh 2>&1); rc=$?
if [[ $rc == 1 && $out == *"K8S_REGISTRY is not set"* ]]; then ok "podstart.sh without K8S_REGISTRY: exit 1, says so"; else not_ok "podstart.sh without K8S_REGISTRY: rc $rc, '$out'"; fi

: >"$tmp/kubeconfig"
if command -v kubectl >/dev/null; then
  out=$(KUBECONFIG=$tmp/kubeconfig K8S_REGISTRY=reg.example:5000 bash benchmarks/k8s/podstart.sh 2>&1); rc=$?
  if [[ $rc == 1 && $out == *"no current context"* ]]; then ok "podstart.sh without a kubectl context: exit 1, says so"; else not_ok "podstart.sh without context: rc $rc, '$out'"; fi
else
  out=$(K8S_REGISTRY=reg.example:5000 bash benchmarks/k8s/podstart.sh 2>&1); rc=$?
  if [[ $rc == 1 && $out == *"kubectl not found"* ]]; then ok "podstart.sh without kubectl: exit 1, says so"; else not_ok "podstart.sh without kubectl: rc $rc, '$out'"; fi
fi
out=$(K8S_REGISTRY='bad registry!' bash benchmarks/k8s/podstart.sh 2>&1); rc=$?
if [[ $rc == 1 && $out == *"is not a registry"* ]]; then ok "podstart.sh rejects a malformed K8S_REGISTRY"; else not_ok "malformed K8S_REGISTRY: rc $rc, '$out'"; fi
out=$(K8S_REGISTRY=reg.example:5000 K8S_NODE='Bad_Node' bash benchmarks/k8s/podstart.sh 2>&1); rc=$?
if [[ $rc == 1 && $out == *"K8S_NODE 'Bad_Node' is not a node name"* ]]; then ok "podstart.sh rejects a malformed K8S_NODE before contacting anything"; else not_ok "malformed K8S_NODE: rc $rc, '$out'"; fi
out=$(K8S_REGISTRY=reg.example:5000 K8S_REPS=0 bash benchmarks/k8s/podstart.sh 2>&1); rc=$?
if [[ $rc == 1 && $out == *"K8S_REPS '0' is not a positive integer"* ]]; then ok "podstart.sh rejects K8S_REPS=0"; else not_ok "K8S_REPS=0: rc $rc, '$out'"; fi
if bash -n benchmarks/k8s/podstart.sh; then ok "podstart.sh parses (bash -n)"; else not_ok "podstart.sh syntax"; fi

# k8s-phases on the recordings -> a results folder benchreport accepts
mkdir -p "$tmp/res"
echo 'phase,subject,service,variant,kind,profile,rep,warmup,metric,value,unit,status,detail' >"$tmp/res/samples.csv"
args=(--subject reg/slimline/hello:scratch --service hello --variant scratch --kind service)
"$BIN/k8s-phases" --pod $FIX/pod-cold.json --events $FIX/events-cold.json --phase k8s_cold "${args[@]}" --rep 1 >>"$tmp/res/samples.csv" &&
"$BIN/k8s-phases" --pod $FIX/pod-warm.json --events $FIX/events-warm.json --phase k8s_warm "${args[@]}" --rep 1 >>"$tmp/res/samples.csv" &&
"$BIN/k8s-phases" --pod $FIX/pod-pending.json --events $FIX/events-pending.json --phase k8s_cold "${args[@]}" --rep 2 >>"$tmp/res/samples.csv" &&
"$BIN/k8s-phases" --scale --pods $FIX/pods-scale.json --start 2026-11-20T10:30:01Z --replicas 3 "${args[@]}" --rep 1 >>"$tmp/res/samples.csv"
rc=$?
if [[ $rc == 0 ]] && grep -q '^k8s_cold,.*,ready_s,5.000,s,ok,$' "$tmp/res/samples.csv" &&
   grep -q '^k8s_scale,.*,all_ready_s,3.000,s,ok,$' "$tmp/res/samples.csv" &&
   grep -q '^k8s_cold,.*,2,0,ready_s,,s,fail,"pod Pending, waiting: ImagePullBackOff"$' "$tmp/res/samples.csv"; then
  ok "k8s-phases rows from the recordings (ready 5 s, all 3 ready after 3 s, pending pod failed)"
else
  not_ok "k8s-phases rows: rc $rc"; cat "$tmp/res/samples.csv"
fi
# the client-side watch: sub-second phases, the SLO figure, the cold checks
W=(--watch $FIX/watch-pods-cold.stamped --watch-events $FIX/watch-events-cold.stamped --name sl-hello-scratch-cold-3)
"$BIN/k8s-phases" "${W[@]}" --phase k8s_cold "${args[@]}" --rep 3 --expect-bytes 75000 >"$tmp/cold.csv"; rc=$?
if [[ $rc == 0 ]] && grep -q ',3,0,watch_ready_ms,2315.900,ms,ok,$' "$tmp/cold.csv" &&
   grep -q ',3,0,watch_scheduled_ms,4.100,ms,ok,$' "$tmp/cold.csv" &&
   grep -q ',3,0,slo_startup_ms,25.700,ms,ok,$' "$tmp/cold.csv" &&
   grep -q ',3,0,pull_image_bytes,74943.000,bytes,ok,$' "$tmp/cold.csv"; then
  ok "k8s-phases --watch: ready +2315.9 ms, SLO startup 25.7 ms (pull excluded), 74943 bytes pulled"
  cat "$tmp/cold.csv" >>"$tmp/res/samples.csv"
else
  not_ok "k8s-phases --watch cold: rc $rc"; cat "$tmp/cold.csv"
fi
"$BIN/k8s-phases" "${W[@]}" --phase k8s_cold "${args[@]}" --rep 4 --expect-bytes 500000 >"$tmp/bytes.csv"; rc=$?
if [[ $rc == 0 ]] && ! grep -q ',ok,' "$tmp/bytes.csv" && grep -q 'the kubelet reports an image of 74943 bytes, the registry 500000' "$tmp/bytes.csv"; then
  ok "k8s-phases: a cold pull whose size is not the registry's fails every row"
else
  not_ok "k8s-phases --expect-bytes mismatch: rc $rc"; cat "$tmp/bytes.csv"
fi
"$BIN/k8s-phases" --watch $FIX/watch-pods-warm.stamped --watch-events $FIX/watch-events-warm.stamped \
  --name sl-hello-scratch-warm-3 --phase k8s_cold "${args[@]}" --rep 5 >"$tmp/notcold.csv"; rc=$?
if [[ $rc == 0 ]] && ! grep -q ',ok,' "$tmp/notcold.csv" && grep -q 'not cold: the kubelet found the image already present' "$tmp/notcold.csv"; then
  ok "k8s-phases: a 'cold' pod whose image was already present fails every row"
else
  not_ok "k8s-phases not-cold detection: rc $rc"; cat "$tmp/notcold.csv"
fi
"$BIN/k8s-phases" --watch $FIX/watch-pods-warm.stamped --watch-events $FIX/watch-events-warm.stamped \
  --name sl-hello-scratch-warm-3 --phase k8s_warm "${args[@]}" --rep 1 >"$tmp/warm.csv"; rc=$?
if [[ $rc == 0 ]] && grep -q ',watch_running_ms,61.500,ms,ok,$' "$tmp/warm.csv" && ! grep -q 'watch_pulling_ms' "$tmp/warm.csv"; then
  ok "k8s-phases --watch warm: running +61.5 ms, no pull rows"
  cat "$tmp/warm.csv" >>"$tmp/res/samples.csv"
else
  not_ok "k8s-phases --watch warm: rc $rc"; cat "$tmp/warm.csv"
fi
"$BIN/k8s-phases" --watch $FIX/watch-pods-pending.stamped --watch-events $FIX/watch-events-pending.stamped \
  --name sl-hello-scratch-cold-4 --phase k8s_cold "${args[@]}" --rep 6 >"$tmp/pending.csv"; rc=$?
if [[ $rc == 0 ]] && grep -q ',watch_ready_ms,,ms,fail,.*last waiting: ImagePullBackOff' "$tmp/pending.csv"; then
  ok "k8s-phases --watch: a pod that never ran fails with its waiting reason"
else
  not_ok "k8s-phases --watch pending: rc $rc"; cat "$tmp/pending.csv"
fi
"$BIN/k8s-phases" --scale --watch $FIX/watch-scale.stamped --start-ns 1795170601000000000 --replicas 3 \
  "${args[@]}" --rep 1 >"$tmp/scale.csv"; rc=$?
if [[ $rc == 0 ]] && grep -q ',watch_all_ready_ms,2015.000,ms,ok,$' "$tmp/scale.csv" && grep -q ',watch_first_ready_ms,140.000,ms,ok,$' "$tmp/scale.csv"; then
  ok "k8s-phases --scale --watch: first Ready +140 ms, all 3 +2015 ms (old replica ignored)"
else
  not_ok "k8s-phases --scale --watch: rc $rc"; cat "$tmp/scale.csv"
fi
"$BIN/k8s-phases" --stamp <$FIX/watch-raw.json >"$tmp/stamped"; rc=$?
if [[ $rc == 0 && $(grep -c '^[0-9]\{19\} {"type":"[A-Z]*","object":{' "$tmp/stamped") == 3 && $(wc -l <"$tmp/stamped") == 3 ]]; then
  ok "k8s-phases --stamp: kubectl's pretty-printed watch output -> 3 stamped lines"
else
  not_ok "k8s-phases --stamp: rc $rc"; head -c 300 "$tmp/stamped"
fi
echo 'No resources found in slimline-bench namespace.' | "$BIN/k8s-phases" --stamp >/dev/null 2>"$tmp/err"; rc=$?
if [[ $rc == 1 ]] && grep -q "expected a JSON object, got 'N'" "$tmp/err"; then ok "k8s-phases --stamp: non-JSON input exits 1, says so"; else not_ok "k8s-phases --stamp on text: rc $rc"; fi
"$BIN/k8s-phases" --watch x --phase k8s_cold "${args[@]}" --rep 0 2>/dev/null; rc=$?
if [[ $rc == 2 ]]; then ok "k8s-phases: --watch without --name exits 2"; else not_ok "k8s-phases --watch without --name: rc $rc"; fi
if "$BIN/benchreport" --no-charts "$tmp/res" >/dev/null 2>&1 && grep -q "Kubernetes pod start-up" "$tmp/res/report.md"; then
  ok "benchreport reads the k8s rows and reports them"
else
  not_ok "benchreport on k8s rows"
fi
"$BIN/k8s-phases" --pod x --events y --phase k8s_hot --subject s --service s --variant v --kind service --rep 0 2>/dev/null; rc=$?
if [[ $rc == 2 ]]; then ok "k8s-phases: bad --phase exits 2"; else not_ok "k8s-phases bad --phase: rc $rc"; fi
"$BIN/k8s-phases" --pod /nonexistent --events y --phase k8s_cold --subject s --service s --variant v --kind service --rep 0 2>/dev/null; rc=$?
if [[ $rc == 1 ]]; then ok "k8s-phases: unreadable input exits 1"; else not_ok "k8s-phases unreadable input: rc $rc"; fi

finish
