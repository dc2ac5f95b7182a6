#!/usr/bin/python3
"""k8s_lint.py FILE...: check Kubernetes manifests against the Pod Security
Standards "restricted" profile plus slimline's own rules.

Each rule has a name; a violation prints "FILE: DOC: RULE: detail" on
stdout. Exit 0 when no rule is violated, 1 otherwise, 2 on unreadable
input. The YAML is parsed with PyYAML (Debian python3-yaml), not grepped,
so a field that is missing, misspelt or misplaced is reported.

Rules (PSS restricted, v1.30 text):
  volume-types        only configMap, csi, downwardAPI, emptyDir, ephemeral,
                      persistentVolumeClaim, projected, secret volumes
  host-namespaces     hostNetwork/hostPID/hostIPC unset or false
  host-ports          no hostPort
  privileged          privileged unset or false
  no-privesc          allowPrivilegeEscalation: false in every container
  run-as-non-root     runAsNonRoot: true (pod or container), no runAsUser 0
  seccomp             seccompProfile.type RuntimeDefault or Localhost
  drop-all            capabilities.drop contains ALL, add at most NET_BIND_SERVICE
slimline rules:
  read-only-root      readOnlyRootFilesystem: true in every container
  uid-gid             runAsUser and runAsGroup 65532 (pod or container)
  probes              livenessProbe on /healthz, readinessProbe on /readyz
  resources           cpu and memory requests, memory limit
  image-tag           image pinned by a tag other than latest, or a digest
  rollout             RollingUpdate with maxUnavailable 0
  prestop             a preStop hook that needs no shell (sleep or httpGet),
                      or the service's own --drain-delay=N > 0 (clusters
                      before 1.30); never an exec hook (no shell in scratch)
  grace               terminationGracePeriodSeconds > preStop sleep + --shutdown-grace
  service             every Deployment has a Service selecting its pods
"""
import sys

import yaml

ALLOWED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                   "persistentVolumeClaim", "projected", "secret"}
UID = 65532


def containers_of(spec):
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            yield c


def eff(pod_sc, c_sc, key):
    """Container setting wins over the pod's, as in the API."""
    if key in c_sc:
        return c_sc[key]
    return pod_sc.get(key)


def arg_value(args, flag):
    for a in args or []:
        if isinstance(a, str) and a.startswith(flag + "="):
            return a.split("=", 1)[1]
    return None


def check_deployment(doc, bad):
    spec = doc.get("spec") or {}
    strat = spec.get("strategy") or {}
    ru = strat.get("rollingUpdate") or {}
    if strat.get("type") != "RollingUpdate" or ru.get("maxUnavailable") not in (0, "0%"):
        bad("rollout", "strategy must be RollingUpdate with maxUnavailable 0")
    tmpl = spec.get("template") or {}
    pod = tmpl.get("spec") or {}
    psc = pod.get("securityContext") or {}
    for v in pod.get("volumes") or []:
        kinds = set(v) - {"name"}
        if not kinds <= ALLOWED_VOLUMES:
            bad("volume-types", f"volume {v.get('name')} uses {sorted(kinds - ALLOWED_VOLUMES)}")
    for k in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(k):
            bad("host-namespaces", f"{k} is set")
    if psc.get("runAsUser") == 0:
        bad("run-as-non-root", "pod runAsUser is 0")
    cs = list(containers_of(pod))
    if not cs:
        bad("containers", "no containers")
    for c in cs:
        name = c.get("name")
        sc = c.get("securityContext") or {}
        for p in c.get("ports") or []:
            if p.get("hostPort"):
                bad("host-ports", f"{name}: hostPort {p['hostPort']}")
        if sc.get("privileged"):
            bad("privileged", f"{name}: privileged")
        if sc.get("allowPrivilegeEscalation") is not False:
            bad("no-privesc", f"{name}: allowPrivilegeEscalation must be false")
        if eff(psc, sc, "runAsNonRoot") is not True:
            bad("run-as-non-root", f"{name}: runAsNonRoot must be true")
        if sc.get("runAsUser") == 0:
            bad("run-as-non-root", f"{name}: runAsUser is 0")
        if eff(psc, sc, "runAsUser") != UID or eff(psc, sc, "runAsGroup") != UID:
            bad("uid-gid", f"{name}: runAsUser/runAsGroup must be {UID}")
        sp = eff(psc, sc, "seccompProfile") or {}
        if sp.get("type") not in ("RuntimeDefault", "Localhost"):
            bad("seccomp", f"{name}: seccompProfile.type must be RuntimeDefault or Localhost")
        caps = sc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            bad("drop-all", f"{name}: capabilities.drop must contain ALL")
        if set(caps.get("add") or []) - {"NET_BIND_SERVICE"}:
            bad("drop-all", f"{name}: capabilities.add beyond NET_BIND_SERVICE")
        if sc.get("readOnlyRootFilesystem") is not True:
            bad("read-only-root", f"{name}: readOnlyRootFilesystem must be true")
        image = str(c.get("image") or "")
        last = image.rsplit("/", 1)[-1]
        if "@sha256:" not in image and (":" not in last or last.endswith(":latest")):
            bad("image-tag", f"{name}: image {image!r} needs a tag other than latest")
        res = c.get("resources") or {}
        req, lim = res.get("requests") or {}, res.get("limits") or {}
        if "cpu" not in req or "memory" not in req or "memory" not in lim:
            bad("resources", f"{name}: needs cpu+memory requests and a memory limit")
        live = ((c.get("livenessProbe") or {}).get("httpGet") or {}).get("path")
        ready = ((c.get("readinessProbe") or {}).get("httpGet") or {}).get("path")
        if live != "/healthz" or ready != "/readyz":
            bad("probes", f"{name}: liveness /healthz and readiness /readyz (httpGet) required")
        pre = ((c.get("lifecycle") or {}).get("preStop")) or {}
        sleep = 0
        delay = arg_value(c.get("args"), "--drain-delay")
        delay = int(delay) if delay is not None and delay.isdigit() else 0
        if "sleep" in pre:
            sleep = int((pre["sleep"] or {}).get("seconds") or 0)
            if sleep <= 0:
                bad("prestop", f"{name}: preStop sleep must be > 0 s")
        elif "exec" in pre:
            bad("prestop", f"{name}: preStop exec needs a shell or binary the scratch image lacks")
        elif "httpGet" not in pre and delay <= 0:
            bad("prestop", f"{name}: needs a preStop sleep/httpGet hook or --drain-delay=N (N > 0)")
        grace_arg = arg_value(c.get("args"), "--shutdown-grace")
        if grace_arg is None or not grace_arg.isdigit():
            bad("grace", f"{name}: --shutdown-grace=N must be set explicitly in args")
            grace_arg = "0"
        tgps = pod.get("terminationGracePeriodSeconds")
        if not isinstance(tgps, int) or tgps <= sleep + int(grace_arg):
            bad("grace", f"{name}: terminationGracePeriodSeconds {tgps} must exceed "
                         f"preStop {sleep} s + shutdown grace {grace_arg} s")
    return (tmpl.get("metadata") or {}).get("labels") or {}


def main(paths):
    status = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                docs = [d for d in yaml.safe_load_all(f) if d is not None]
        except (OSError, yaml.YAMLError) as e:
            print(f"{path}: cannot parse: {e}")
            return 2
        pod_labels, selectors = [], []
        for doc in docs:
            kind = doc.get("kind")
            label = f"{kind}/{(doc.get('metadata') or {}).get('name')}"

            def bad(rule, msg, _l=label):
                nonlocal status
                status = 1
                print(f"{path}: {_l}: {rule}: {msg}")
            if kind == "Deployment":
                pod_labels.append((label, check_deployment(doc, bad)))
            elif kind == "Service":
                selectors.append((doc.get("spec") or {}).get("selector") or {})
            elif kind in ("Pod", "StatefulSet", "DaemonSet", "Job", "CronJob"):
                bad("kind", f"{kind} is not checked by this linter: add rules first")
        for label, labels in pod_labels:
            if not any(sel and all(labels.get(k) == v for k, v in sel.items())
                       for sel in selectors):
                status = 1
                print(f"{path}: {label}: service: no Service in this file selects its pods")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
