#!/usr/bin/python3
"""dockerfile_lint.py FILE...: the project's Dockerfile rules as a linter
(hadolint and Trivy are not in Debian's archive, the only one reachable).

A violation prints "FILE:LINE: RULE: detail". Exit 0 when clean, 1 on any
violation, 2 on unreadable input. Rules:
  pinned-base   FROM names a tag (not latest) or a digest; scratch, earlier
                stage names and ARG defaults that resolve to a pinned name pass
  user          every target stage (a stage no other stage builds FROM or
                COPYs --from) sets a numeric, non-zero USER ("65532" or
                "65532:65532")
  exec-form     ENTRYPOINT, CMD and HEALTHCHECK CMD are JSON arrays
  apt           apt-get install runs in the RUN that runs apt-get update,
                with --no-install-recommends, and removes /var/lib/apt/lists;
                apt-get update alone in a RUN is flagged too
  no-add        ADD is not used (COPY, or a verified download in RUN)
  no-secrets    no ENV/ARG whose name says PASSWORD, PASSWD, TOKEN, SECRET
                or KEY
  set-eux       a shell-form RUN that runs several commands (&&, ;, |, or
                several lines) starts with "set -eux", or with "set -e..."
                plus "-o pipefail"
  run-length    a RUN spans at most 10 lines: a longer one goes into a
                named script in the build context (or its own stage)
  stage-purpose every FROM has a comment above it (ARG lines and blank
                lines may stand between) saying what the stage is for
A target stage with neither ENTRYPOINT nor CMD runs nothing and needs no
USER. A rule can be waived for one file with a comment line
    # lint: allow <rule> -- <reason>
(the reason is required), or from outside the file with
    dockerfile_lint.py --waivers LIST FILE...
where LIST has lines "<path> <rule> -- <reason>". Waivers are printed on
stderr so that they stay visible.
"""
import json
import re
import sys

RUN_MAX_LINES = 10

SECRET_RE = re.compile(r"(PASSWORD|PASSWD|TOKEN|SECRET|(^|_)KEY($|_)|APIKEY)", re.I)


def logical_lines(text):
    """Yields (first line number, instruction, arguments, last line number)
    with continuation lines joined (the default escape character \\) and comments dropped."""
    buf, start = [], None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not buf and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if buf and line.lstrip().startswith("#"):
            continue  # comment lines inside a continuation are dropped
        if start is None:
            start = n
        if line.endswith("\\"):
            buf.append(line[:-1])
            continue
        buf.append(line)
        joined = "\n".join(buf).strip()
        buf, s = [], start
        start = None
        parts = joined.split(None, 1)
        yield s, parts[0].upper(), parts[1] if len(parts) > 1 else "", n
    if buf:
        joined = "\n".join(buf).strip()
        parts = joined.split(None, 1)
        yield start, parts[0].upper(), parts[1] if len(parts) > 1 else "", n


def is_json_array(args):
    try:
        v = json.loads(args)
    except ValueError:
        return False
    return isinstance(v, list) and all(isinstance(x, str) for x in v) and len(v) > 0


def substitute(word, argdefs):
    def rep(m):
        name = m.group(1) or m.group(2)
        return argdefs.get(name, "")
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)", rep, word)


def pinned(image):
    if "@sha256:" in image:
        return True
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return False
    return last.rsplit(":", 1)[1] not in ("", "latest")


def split_commands(script):
    """Rough split of a shell script into commands, for counting only."""
    s = re.sub(r"'[^']*'|\"[^\"]*\"", "''", script)
    return [c for c in re.split(r"&&|\|\||;|\||\n", s) if c.strip()]


def check(path, text, external=None):
    problems = []

    def bad(line, rule, msg):
        problems.append(f"{path}:{line}: {rule}: {msg}")

    global_args = {}
    stages = []        # dicts: name, line, user, from_ref
    referenced = set()  # stage names or indexes used by FROM / COPY --from
    shell_strict = False
    raw_lines = text.splitlines()
    for line, ins, args, last in logical_lines(text):
        if ins == "ARG":
            for item in args.split():
                name, _, default = item.partition("=")
                if SECRET_RE.search(name):
                    bad(line, "no-secrets", f"ARG {name} looks like a secret: use a build secret mount")
                if not stages:
                    global_args[name] = default.strip("\"'")
        elif ins == "FROM":
            k = line - 2  # index of the line above
            while k >= 0 and (not raw_lines[k].strip() or re.match(r"\s*ARG\s", raw_lines[k], re.I)):
                k -= 1
            if k < 0 or not raw_lines[k].lstrip().startswith("#") or re.match(r"\s*#\s*lint:", raw_lines[k]):
                bad(line, "stage-purpose", "FROM without a comment above it saying what the stage is for")
            words = [w for w in args.split() if not w.startswith("--")]
            image = substitute(words[0], global_args) if words else ""
            name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
            known = {s["name"] for s in stages if s["name"]}
            if image.lower() in known:
                referenced.add(image.lower())
            elif image != "scratch" and not pinned(image):
                bad(line, "pinned-base", f"FROM {words[0] if words else ''} is not pinned by a tag (not latest) or a digest")
            stages.append({"name": name, "line": line, "user": None, "runs": False,
                           "index": str(len(stages))})
            shell_strict = False
        elif ins == "USER":
            if stages:
                stages[-1]["user"] = (line, args.strip())
        elif ins == "COPY":
            m = re.search(r"--from=(\S+)", args)
            if m:
                referenced.add(m.group(1).lower())
        elif ins == "ADD":
            bad(line, "no-add", "ADD fetches or unpacks implicitly: use COPY, or RUN with a verified download")
        elif ins in ("ENTRYPOINT", "CMD"):
            if stages:
                stages[-1]["runs"] = True
            if not is_json_array(args):
                bad(line, "exec-form", f"{ins} must be in exec form (a JSON array)")
        elif ins == "HEALTHCHECK":
            rest = re.sub(r"^(\s*--\S+)*\s*", "", args)
            if rest.upper() != "NONE":
                cmd = rest.split(None, 1)
                if not cmd or cmd[0].upper() != "CMD" or not is_json_array(cmd[1] if len(cmd) > 1 else ""):
                    bad(line, "exec-form", "HEALTHCHECK CMD must be in exec form (a JSON array)")
        elif ins == "ENV":
            names = re.findall(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)[= ]", args)
            for name in names:
                if SECRET_RE.search(name):
                    bad(line, "no-secrets", f"ENV {name} looks like a secret: it stays in the image")
        elif ins == "SHELL":
            try:
                sh = json.loads(args)
            except ValueError:
                sh = []
            joined = " ".join(sh)
            shell_strict = bool(re.search(r"-\w*e", joined)) and "pipefail" in joined
        elif ins == "RUN":
            if last - line + 1 > RUN_MAX_LINES:
                bad(line, "run-length", f"RUN spans {last - line + 1} lines (at most {RUN_MAX_LINES}): move it into a named script in the build context")
            if args.lstrip().startswith("["):
                continue  # exec form: one command, no shell
            script = re.sub(r"^(--\S+\s+)*", "", args.lstrip())
            if "apt-get" in script:
                has_install = re.search(r"apt-get\s+(-\S+\s+)*install", script)
                has_update = re.search(r"apt-get\s+(-\S+\s+)*update", script)
                if has_install and not has_update:
                    bad(line, "apt", "apt-get install without apt-get update in the same RUN")
                if has_update and not has_install:
                    bad(line, "apt", "apt-get update alone: its cached lists go stale; install in the same RUN")
                if has_install and "--no-install-recommends" not in script:
                    bad(line, "apt", "apt-get install without --no-install-recommends")
                if has_install and not re.search(r"rm\s+-r?f?r?f?\s+[^&;]*?/var/lib/apt/lists", script):
                    bad(line, "apt", "apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN")
            if len(split_commands(script)) > 1 and not shell_strict:
                first = script.strip().split("\n", 1)[0]
                m = re.match(r"set\s+(-[a-z]+(?:\s+-[a-z]+)*)((?:\s+-o\s+pipefail)?)", first)
                flags = m.group(1).replace(" ", "").replace("-", "") if m else ""
                ok = m is not None and "e" in flags and (
                    ("u" in flags and "x" in flags) or "pipefail" in (m.group(2) or ""))
                if not ok:
                    bad(line, "set-eux", "a RUN with several commands must start with 'set -eux' (or set -e with -o pipefail)")
    for s in stages:
        if (s["name"] and s["name"] in referenced) or s["index"] in referenced:
            continue
        if not s["runs"]:
            continue
        user = s["user"]
        label = s["name"] or f"stage {s['index']}"
        if user is None:
            bad(s["line"], "user", f"target {label} sets no USER: add a numeric non-root USER (65532)")
            continue
        m = re.fullmatch(r"(\d+)(?::(\d+))?", user[1])
        if not m:
            bad(user[0], "user", f"USER {user[1]} must be numeric (uid or uid:gid)")
        elif int(m.group(1)) == 0:
            bad(user[0], "user", "USER 0 is root")
    waivers = {}
    for n, raw in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*#\s*lint:\s*allow\s+([a-z-]+)\s+--\s+(\S.*)", raw)
        if m:
            waivers[m.group(1)] = (n, m.group(2))
    for rule, reason in (external or {}).get(path, {}).items():
        waivers.setdefault(rule, ("waivers", reason))
    kept = []
    for p in problems:
        rule = p.split(": ", 2)[1]
        if rule in waivers:
            print(f"{path}:{waivers[rule][0]}: waived {rule}: {waivers[rule][1]}", file=sys.stderr)
        else:
            kept.append(p)
    return kept


def load_waivers(listfile):
    out = {}
    with open(listfile, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            m = re.fullmatch(r"(\S+)\s+([a-z-]+)\s+--\s+(\S.*)", line)
            if not m:
                raise ValueError(f"{listfile}: bad waiver line (want '<path> <rule> -- <reason>'): {line}")
            out.setdefault(m.group(1), {})[m.group(2)] = m.group(3)
    return out


def main(paths):
    status = 0
    external = {}
    if paths[:1] == ["--waivers"]:
        try:
            external = load_waivers(paths[1])
        except (OSError, ValueError) as e:
            print(f"cannot read waivers: {e}")
            return 2
        paths = paths[2:]
    for p in paths:
        try:
            with open(p, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            print(f"{p}: cannot read: {e}")
            return 2
        for problem in check(p, text, external):
            print(problem)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
