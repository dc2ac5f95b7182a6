#!/usr/bin/env bash
# k8s.sh: lint every manifest under deploy/k8s/ (tests/lint/k8s_lint.py:
# Pod Security Standards "restricted" + read-only root + probes, resources,
# rollout and grace rules), then prove every rule fires: each mutant of
# deploy/k8s/hello.yaml (tests/lint/k8s_mutants.py, one field removed or
# broken) must be rejected with that rule's name. No cluster is reachable
# here, so this is a static check: it cannot prove the API server accepts
# the manifests (kubectl is present but has no server to validate against).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3   # Debian's python with python3-yaml (scripts/deps.sh test)
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }

if ! "$PY" -c 'import yaml' 2>/dev/null; then
  echo "failure: $PY cannot import yaml: install python3-yaml (scripts/deps.sh test)"
  echo "0 passed, 1 failed"
  exit 1
fi

manifests=(deploy/k8s/*.yaml)
for svc in hello whoami notes; do
  if [[ -f deploy/k8s/$svc.yaml ]]; then ok "manifest for $svc exists"; else ko "no deploy/k8s/$svc.yaml"; fi
done
for m in "${manifests[@]}"; do
  if out=$("$PY" tests/lint/k8s_lint.py "$m"); then ok "$m meets every rule"
  else ko "$m:"; printf '%s\n' "$out"; fi
done
# notes keeps its data on a PersistentVolumeClaim mounted at /data.
if "$PY" - deploy/k8s/notes.yaml <<'PYEOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
dep = next(d for d in docs if d["kind"] == "Deployment")
pod = dep["spec"]["template"]["spec"]
claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod.get("volumes", []) if "persistentVolumeClaim" in v}
pvcs = {d["metadata"]["name"] for d in docs if d["kind"] == "PersistentVolumeClaim"}
mounts = {m["mountPath"]: m["name"] for m in pod["containers"][0].get("volumeMounts", [])}
assert mounts.get("/data") in claims and claims[mounts["/data"]] in pvcs, "no PVC at /data"
PYEOF
then ok "notes mounts a PersistentVolumeClaim at /data"; else ko "notes has no PVC mounted at /data"; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PY" tests/lint/k8s_mutants.py deploy/k8s/hello.yaml "$tmp"
for f in "$tmp"/*.yaml; do
  rule=$(basename "$f"); rule=${rule%%.*}
  out=$("$PY" tests/lint/k8s_lint.py "$f") && rc=0 || rc=$?
  if [[ $rc -eq 1 ]] && grep -q ": $rule: " <<<"$out"; then ok "mutant $(basename "$f") flagged as $rule"
  else ko "mutant $(basename "$f") not flagged as $rule (rc $rc): $out"; fi
done

# The documented fallback for clusters before 1.30 must pass the linter.
"$PY" - deploy/k8s/hello.yaml "$tmp/fallback.yaml" <<'PYEOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
c = next(d for d in docs if d["kind"] == "Deployment")["spec"]["template"]["spec"]["containers"][0]
c.pop("lifecycle")
c["args"].append("--drain-delay=5")
yaml.safe_dump_all(docs, open(sys.argv[2], "w"))
PYEOF
if out=$("$PY" tests/lint/k8s_lint.py "$tmp/fallback.yaml"); then ok "fallback (no preStop, --drain-delay=5) accepted"
else ko "fallback form rejected: $out"; fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
