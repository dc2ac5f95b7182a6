#!/usr/bin/python3
"""k8s_mutants.py SRC OUTDIR: write one broken copy of the manifest SRC per
linter rule into OUTDIR as <rule>.<n>.yaml. tests/lint/k8s.sh asserts that
k8s_lint.py reports exactly that rule for each copy, so a rule that stops
firing (a bug in the linter) fails the test."""
import copy
import os
import sys

import yaml


def dep(docs):
    return next(d for d in docs if d["kind"] == "Deployment")


def pod(docs):
    return dep(docs)["spec"]["template"]["spec"]


def ctr(docs):
    return pod(docs)["containers"][0]


def csc(docs):
    return ctr(docs)["securityContext"]


def drop_everywhere(key):
    def f(docs):
        pod(docs)["securityContext"].pop(key, None)
        csc(docs).pop(key, None)
    return f


MUTANTS = [
    ("volume-types", lambda d: pod(d).setdefault("volumes", []).append(
        {"name": "host", "hostPath": {"path": "/"}})),
    ("host-namespaces", lambda d: pod(d).update(hostNetwork=True)),
    ("host-ports", lambda d: ctr(d)["ports"][0].update(hostPort=8080)),
    ("privileged", lambda d: csc(d).update(privileged=True)),
    ("no-privesc", lambda d: csc(d).pop("allowPrivilegeEscalation")),
    ("no-privesc", lambda d: csc(d).update(allowPrivilegeEscalation=True)),
    ("run-as-non-root", drop_everywhere("runAsNonRoot")),
    ("run-as-non-root", lambda d: csc(d).update(runAsNonRoot=False)),
    ("seccomp", drop_everywhere("seccompProfile")),
    ("seccomp", lambda d: csc(d).update(seccompProfile={"type": "Unconfined"})),
    ("drop-all", lambda d: csc(d).pop("capabilities")),
    ("drop-all", lambda d: csc(d)["capabilities"].update(add=["SYS_ADMIN"])),
    ("read-only-root", lambda d: csc(d).pop("readOnlyRootFilesystem")),
    ("uid-gid", lambda d: (csc(d).update(runAsUser=1000),
                           pod(d)["securityContext"].update(runAsUser=1000))),
    ("probes", lambda d: ctr(d).pop("readinessProbe")),
    ("probes", lambda d: ctr(d)["livenessProbe"]["httpGet"].update(path="/")),
    ("resources", lambda d: ctr(d)["resources"].pop("limits")),
    ("image-tag", lambda d: ctr(d).update(image="slimline/hello")),
    ("image-tag", lambda d: ctr(d).update(image="slimline/hello:latest")),
    ("rollout", lambda d: dep(d)["spec"]["strategy"]["rollingUpdate"].update(maxUnavailable=1)),
    ("rollout", lambda d: dep(d)["spec"].update(strategy={"type": "Recreate"})),
    ("prestop", lambda d: ctr(d)["lifecycle"].pop("preStop")),
    ("prestop", lambda d: ctr(d)["lifecycle"].update(
        preStop={"exec": {"command": ["sh", "-c", "sleep 5"]}})),
    ("grace", lambda d: pod(d).update(terminationGracePeriodSeconds=15)),
    ("grace", lambda d: ctr(d).update(args=["--port=8080"])),
    ("service", lambda d: d.remove(next(x for x in d if x["kind"] == "Service"))),
]


def main(src, outdir):
    with open(src, encoding="utf-8") as f:
        base = [d for d in yaml.safe_load_all(f) if d is not None]
    for n, (rule, mutate) in enumerate(MUTANTS):
        docs = copy.deepcopy(base)
        mutate(docs)
        path = os.path.join(outdir, f"{rule}.{n}.yaml")
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump_all(docs, f, sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
