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
# shellcheck source=tests/lib/test-lib.sh
. tests/lib/test-lib.sh

if ! "$PY" -c 'import yaml' 2>/dev/null; then
  not_ok "python3-yaml installed" "$PY cannot import yaml: install python3-yaml (scripts/deps.sh test)"
  finish
fi

manifests=(deploy/k8s/*.yaml)
for svc in hello whoami notes; do
  if [[ -f deploy/k8s/$svc.yaml ]]; then ok "manifest for $svc exists"; else not_ok "no deploy/k8s/$svc.yaml"; fi
done
for m in "${manifests[@]}"; do
  if out=$("$PY" tests/lint/k8s_lint.py "$m"); then ok "$m meets every rule"
  else not_ok "$m meets every rule" "$(printf '\n%s' "$out")"; fi
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
then ok "notes mounts a PersistentVolumeClaim at /data"; else not_ok "notes has no PVC mounted at /data"; fi

tmp=$TL_TMP
"$PY" tests/lint/k8s_mutants.py deploy/k8s/hello.yaml "$tmp"
for f in "$tmp"/*.yaml; do
  rule=$(basename "$f"); rule=${rule%%.*}
  out=$("$PY" tests/lint/k8s_lint.py "$f") && rc=0 || rc=$?
  if [[ $rc -eq 1 ]] && grep -q ": $rule: " <<<"$out"; then ok "mutant $(basename "$f") flagged as $rule"
  else not_ok "mutant $(basename "$f") not flagged as $rule (rc $rc): $out"; fi
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
else not_ok "fallback form rejected: $out"; fi

finish
