#!/usr/bin/env python3
"""podspec.py: what a pod of each service gets from deploy/k8s/*.yaml.

    podspec.py [--root DIR]            print the JSON to stdout
    podspec.py [--root DIR] --write    write benchmarks/cri/pods.json
    podspec.py [--root DIR] --check    exit 1 (with a diff) when
                                       benchmarks/cri/pods.json differs from
                                       what the manifests say

The CRI client (podbench run --spec benchmarks/cri/pods.json --service S)
applies this to the alpine and scratch images, so the pod measured is the
pod deployed: the pod's and the container's securityContext as written
(podbench merges them the way the kubelet does), args, env, volume mounts,
the readiness path. The manifests' `--port=<containerPort>` argument
becomes `--port=${PORT}`: with host networking each pod gets a free port.

Fields are copied, not interpreted; a field this script does not know in a
securityContext, a second container, an exec probe or a volume kind other
than persistentVolumeClaim/emptyDir is an error, so a manifest change
cannot be silently dropped. Exit: 0 ok, 1 mismatch or bad manifest, 2 usage.
"""
import difflib
import glob
import json
import os
import sys

try:
    import yaml
except ImportError:
    sys.stderr.write("podspec.py: cannot import yaml (Debian package python3-yaml; scripts/deps.sh cri)\n")
    sys.exit(1)

OUT = "benchmarks/cri/pods.json"
POD_SC = {"runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup",
          "fsGroupChangePolicy", "seccompProfile", "supplementalGroups"}
CTR_SC = {"allowPrivilegeEscalation", "readOnlyRootFilesystem", "privileged",
          "runAsNonRoot", "runAsUser", "runAsGroup", "capabilities",
          "seccompProfile"}


class Bad(Exception):
    pass


def seccomp(sc, where):
    prof = sc.get("seccompProfile")
    if prof is None:
        return None
    if set(prof) - {"type"}:
        raise Bad("%s: seccompProfile fields %s not supported" % (where, sorted(set(prof) - {"type"})))
    if prof.get("type") not in ("RuntimeDefault", "Unconfined"):
        raise Bad("%s: seccompProfile type %r not supported" % (where, prof.get("type")))
    return prof["type"]


def pod_security(sc, where):
    unknown = set(sc) - POD_SC
    if unknown:
        raise Bad("%s: pod securityContext fields not handled: %s" % (where, sorted(unknown)))
    return {
        "runAsNonRoot": sc.get("runAsNonRoot"),
        "runAsUser": sc.get("runAsUser"),
        "runAsGroup": sc.get("runAsGroup"),
        "fsGroup": sc.get("fsGroup"),
        "supplementalGroups": sc.get("supplementalGroups", []),
        "seccomp": seccomp(sc, where),
    }


def ctr_security(sc, where):
    unknown = set(sc) - CTR_SC
    if unknown:
        raise Bad("%s: container securityContext fields not handled: %s" % (where, sorted(unknown)))
    caps = sc.get("capabilities", {}) or {}
    if set(caps) - {"add", "drop"}:
        raise Bad("%s: capabilities fields %s not supported" % (where, sorted(set(caps) - {"add", "drop"})))
    return {
        "allowPrivilegeEscalation": sc.get("allowPrivilegeEscalation"),
        "readOnlyRootFilesystem": sc.get("readOnlyRootFilesystem", False),
        "privileged": sc.get("privileged", False),
        "runAsNonRoot": sc.get("runAsNonRoot"),
        "runAsUser": sc.get("runAsUser"),
        "runAsGroup": sc.get("runAsGroup"),
        "capabilitiesDrop": list(caps.get("drop", [])),
        "capabilitiesAdd": list(caps.get("add", [])),
        "seccomp": seccomp(sc, where),
    }


def port_args(args, port, where):
    """--port=<containerPort> (or --port <containerPort>) -> ${PORT}."""
    out, hits, i = [], 0, 0
    while i < len(args):
        a = str(args[i])
        if a == "--port=%d" % port:
            out.append("--port=${PORT}")
            hits += 1
        elif a == "--port" and i + 1 < len(args) and str(args[i + 1]) == str(port):
            out += ["--port", "${PORT}"]
            hits += 1
            i += 1
        elif a.startswith("--port"):
            raise Bad("%s: argument %r does not name the containerPort %d" % (where, a, port))
        else:
            out.append(a)
        i += 1
    if hits != 1:
        raise Bad("%s: expected one --port=%d argument (found %d): the pod's port is passed there" % (where, port, hits))
    return out


def service(path):
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    deps = [d for d in docs if d.get("kind") == "Deployment"]
    if len(deps) != 1:
        raise Bad("%s: expected one Deployment, found %d" % (path, len(deps)))
    name = deps[0]["metadata"]["name"]
    spec = deps[0]["spec"]["template"]["spec"]
    where = "%s (%s)" % (path, name)
    if spec.get("initContainers"):
        raise Bad("%s: initContainers are not supported" % where)
    ctrs = spec.get("containers", [])
    if len(ctrs) != 1:
        raise Bad("%s: expected one container, found %d" % (where, len(ctrs)))
    c = ctrs[0]
    if c.get("command"):
        raise Bad("%s: command (entrypoint override) is not supported" % where)
    ports = c.get("ports", [])
    if len(ports) != 1:
        raise Bad("%s: expected one container port, found %d" % (where, len(ports)))
    port = ports[0]["containerPort"]
    probe = c.get("readinessProbe", {}).get("httpGet")
    if not probe or probe.get("port") not in (port, ports[0].get("name")):
        raise Bad("%s: the readiness probe must be an httpGet on the container port" % where)
    env = []
    for e in c.get("env", []) or []:
        if set(e) != {"name", "value"}:
            raise Bad("%s: env %r: only name/value pairs are supported" % (where, e.get("name")))
        env.append({"name": e["name"], "value": str(e["value"])})
    volumes = {v["name"]: v for v in spec.get("volumes", []) or []}
    mounts = []
    for m in c.get("volumeMounts", []) or []:
        if set(m) - {"name", "mountPath", "readOnly"}:
            raise Bad("%s: volumeMount %r: fields %s not supported" % (where, m["name"], sorted(set(m) - {"name", "mountPath", "readOnly"})))
        v = volumes.get(m["name"])
        if v is None:
            raise Bad("%s: volumeMount %r names no volume" % (where, m["name"]))
        kinds = set(v) - {"name"}
        if kinds == {"persistentVolumeClaim"}:
            kind, medium = "persistentVolumeClaim", ""
        elif kinds == {"emptyDir"}:
            kind, medium = "emptyDir", (v["emptyDir"] or {}).get("medium", "")
        else:
            raise Bad("%s: volume %r of kind %s is not supported" % (where, m["name"], sorted(kinds)))
        mounts.append({"name": m["name"], "path": m["mountPath"],
                       "readOnly": bool(m.get("readOnly", False)),
                       "kind": kind, "medium": medium})
    return name, {
        "manifest": os.path.relpath(path),
        "container": c["name"],
        "image": c["image"],
        "imagePullPolicy": c.get("imagePullPolicy", "IfNotPresent"),
        "containerPort": port,
        "readinessPath": probe["path"],
        "pod": pod_security(spec.get("securityContext", {}) or {}, where),
        "container_security": ctr_security(c.get("securityContext", {}) or {}, where),
        "args": port_args(c.get("args", []), port, where),
        "env": env,
        "mounts": mounts,
        "hostNetwork": bool(spec.get("hostNetwork", False)),
        "resources_not_applied": c.get("resources", {}),
    }


def generate(root):
    paths = sorted(glob.glob(os.path.join(root, "deploy/k8s/*.yaml")))
    if not paths:
        raise Bad("no manifests in %s/deploy/k8s" % root)
    services = {}
    for p in paths:
        name, s = service(p)
        s["manifest"] = os.path.relpath(p, root)
        services[name] = s
    doc = {
        "comment": "generated by benchmarks/cri/podspec.py from deploy/k8s/*.yaml; do not edit, run `make cri-podspec`",
        "services": services,
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def main(argv):
    root, mode = ".", "print"
    i = 1
    while i < len(argv):
        if argv[i] == "--root" and i + 1 < len(argv):
            root = argv[i + 1]
            i += 2
        elif argv[i] in ("--write", "--check") and mode == "print":
            mode = argv[i][2:]
            i += 1
        elif argv[i] in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            sys.stderr.write("usage: podspec.py [--root DIR] [--write | --check]\n")
            return 2
    try:
        text = generate(root)
    except (Bad, KeyError, TypeError) as e:
        sys.stderr.write("podspec.py: %s\n" % (e if isinstance(e, Bad) else "manifest field missing or malformed: %r" % e))
        return 1
    out = os.path.join(root, OUT)
    if mode == "print":
        sys.stdout.write(text)
    elif mode == "write":
        with open(out, "w") as f:
            f.write(text)
    else:
        try:
            with open(out) as f:
                have = f.read()
        except OSError as e:
            sys.stderr.write("podspec.py: cannot read %s: %s\n" % (out, e.strerror))
            return 1
        if have != text:
            sys.stderr.write("podspec.py: %s differs from deploy/k8s/*.yaml (run `make cri-podspec`):\n" % OUT)
            sys.stderr.writelines(difflib.unified_diff(have.splitlines(True), text.splitlines(True), OUT, "from manifests"))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
