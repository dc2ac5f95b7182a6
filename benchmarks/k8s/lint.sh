#!/usr/bin/env bash
# lint.sh: offline checks of the Kubernetes bench (make check-k8s):
#  - the rendered Pod and Deployment meet Pod Security Standards
#    "restricted" (python3-yaml parses them; each required field checked);
#  - podstart.sh refuses to run without K8S_REGISTRY or a kubectl context,
#    with a clear message, before touching anything;
#  - k8s-phases turns the recorded fixtures into rows benchreport accepts,
#    and rejects bad usage with exit 2.
# No cluster is contacted. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${BENCH_BIN:-build/bench/bin}
FIX=tests/fixtures/k8s
pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
ko() { echo "FAIL $*"; fail=$((fail + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

render() {
  sed -e "s|@NAME@|lint|g" -e "s|@NAMESPACE@|ns|g" -e "s|@IMAGE@|reg:5000/slimline/hello:scratch|g" \
      -e "s|@POLICY@|Always|g" -e "s|@SERVICE@|hello|g" -e "s|@VARIANT@|scratch|g" "$1"
}

for t in pod deployment; do
  render "benchmarks/k8s/$t.yaml.in" >"$tmp/$t.yaml"
  if out=$(python3 - "$tmp/$t.yaml" 2>&1 <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
spec = doc["spec"]["template"]["spec"] if doc["kind"] == "Deployment" else doc["spec"]
errs = []
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
  ); then ok "$t.yaml.in meets PSS restricted"; else ko "$t.yaml.in: $out"; fi
done

out=$(env -u K8S_REGISTRY bash benchmarks/k8s/podstart.sh 2>&1); rc=$?
if [[ $rc == 1 && $out == *"K8S_REGISTRY is not set"* ]]; then ok "podstart.sh without K8S_REGISTRY: exit 1, says so"; else ko "podstart.sh without K8S_REGISTRY: rc $rc, '$out'"; fi

: >"$tmp/kubeconfig"
if command -v kubectl >/dev/null; then
  out=$(KUBECONFIG=$tmp/kubeconfig K8S_REGISTRY=reg.example:5000 bash benchmarks/k8s/podstart.sh 2>&1); rc=$?
  if [[ $rc == 1 && $out == *"no current context"* ]]; then ok "podstart.sh without a kubectl context: exit 1, says so"; else ko "podstart.sh without context: rc $rc, '$out'"; fi
else
  out=$(K8S_REGISTRY=reg.example:5000 bash benchmarks/k8s/podstart.sh 2>&1); rc=$?
  if [[ $rc == 1 && $out == *"kubectl not found"* ]]; then ok "podstart.sh without kubectl: exit 1, says so"; else ko "podstart.sh without kubectl: rc $rc, '$out'"; fi
fi
out=$(K8S_REGISTRY='bad registry!' bash benchmarks/k8s/podstart.sh 2>&1); rc=$?
if [[ $rc == 1 && $out == *"is not a registry"* ]]; then ok "podstart.sh rejects a malformed K8S_REGISTRY"; else ko "malformed K8S_REGISTRY: rc $rc, '$out'"; fi
if bash -n benchmarks/k8s/podstart.sh; then ok "podstart.sh parses (bash -n)"; else ko "podstart.sh syntax"; fi

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
  ko "k8s-phases rows: rc $rc"; cat "$tmp/res/samples.csv"
fi
if "$BIN/benchreport" --no-charts "$tmp/res" >/dev/null 2>&1 && grep -q "Kubernetes pod start-up" "$tmp/res/report.md"; then
  ok "benchreport reads the k8s rows and reports them"
else
  ko "benchreport on k8s rows"
fi
"$BIN/k8s-phases" --pod x --events y --phase k8s_hot --subject s --service s --variant v --kind service --rep 0 2>/dev/null; rc=$?
if [[ $rc == 2 ]]; then ok "k8s-phases: bad --phase exits 2"; else ko "k8s-phases bad --phase: rc $rc"; fi
"$BIN/k8s-phases" --pod /nonexistent --events y --phase k8s_cold --subject s --service s --variant v --kind service --rep 0 2>/dev/null; rc=$?
if [[ $rc == 1 ]]; then ok "k8s-phases: unreadable input exits 1"; else ko "k8s-phases unreadable input: rc $rc"; fi

echo "$pass passed, $fail failed"
((fail == 0))
