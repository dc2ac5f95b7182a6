#!/usr/bin/env python3
"""labrun: run the training labs in docs/labs/ and check them.

Every lab page (docs/labs/NN-*.md) is a terminal session written down:
```console blocks hold commands ("$ " prompts) and the output each one
must print. This program types the commands of one lab, in order, into a
fresh bash (one per lab, so state carries from step to step as in a
terminal), checks every exit status and every output against the page's
markers, always runs the lab's cleanup blocks, and prints per lab how many
steps ran and how many were exempt. The marker syntax is defined in
docs/labs/README.md ("The marker syntax"); this docstring only sketches it:

  <!-- expect: exact -->         (the default) output lines as shown;
                                  a line "..." stands for any lines
  <!-- expect: regex            each line a Python regular expression
  PATTERN                         matching a whole output line, "..."
  -->                             as above; (?P<name>...) records a figure
  <!-- expect: number REF ±TOL[%] [as NAME] -->
                                  lines as shown, but the last output line
                                  is a number within REF ± TOL (REF: a
                                  number or $VAR of the lab's shell)
  <!-- exempt: REASON -->         not run; REASON is one of EXEMPT_REASONS
  <!-- cleanup -->                always run, also after a failure
  <!-- timeout: SECONDS -->       per command (default 300)
  <!-- figure: NAME -->V<!-- /figure -->   in prose: V is written by
                                  --write from the figure NAME a lab
                                  recorded; never typed by hand

Modes: check (default; pages are not changed, the pages as this run would
write them go to OUT/pages/) and --write (the pages are rewritten: sample
output of regex and number blocks, inline figures, the run stamp).
Figures whose value moved are reported, not failed: the expectations are
the checks, the figures are prose (see docs/labs/README.md). Every figure
measured is kept in OUT/figures.json with the lab and run that measured it
(labs not run keep their previous entries). questions.md quotes lab figures
with the same figure marker: each one must be recorded by a lab that the
answer links, and a figure shown on several pages must show one value.

Exit status: 0 every step passed, 1 a step or a page check failed, 2 usage.
The last line is "N passed, N failed, N skipped" (steps: commands run and
matched, commands failed or page errors, exempt commands and commands not
reached after a failure).
"""

import argparse
import datetime
import difflib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time

EXEMPT_REASONS = (
    "needs a real Kubernetes cluster",
    "needs a registry on the internet",
)
DEFAULT_TIMEOUT = 300
SHELL_LANGS = {"sh", "bash", "shell", "shell-session", "zsh", "console"}
FIGURE_RE = re.compile(r"<!-- figure: ([A-Za-z0-9_]+) -->(.*?)<!-- /figure -->")
STAMP_RE = re.compile(r"^<!-- run: .* -->$")
NUMBER_LINE_RE = re.compile(r"^\s*([-+]?[0-9]+(?:\.[0-9]+)?)(?:\s+\S.*)?$")
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class PageError(Exception):
    pass


# --------------------------------------------------------------- parsing
class Command:
    def __init__(self, text, lineno):
        self.text = text          # the command as bash gets it
        self.display = []         # its lines as the page shows them
        self.lineno = lineno
        self.expected = []        # expected (or sample) output lines
        self.out_start = None     # index in the page's lines of the first output line


class Block:
    def __init__(self, start, lang):
        self.start = start        # index of the opening fence line
        self.end = None           # index of the closing fence line
        self.lang = lang
        self.fence = "```"
        self.kind = "run"         # run | exempt | cleanup
        self.reason = None
        self.expect = "exact"     # exact | regex | number
        self.patterns = []
        self.number = None        # (ref, tol, relative, name)
        self.timeout = DEFAULT_TIMEOUT
        self.commands = []

    def figures(self):
        names = []
        if self.expect == "regex":
            for p in self.patterns:
                if p != "...":
                    names.extend(re.compile(p).groupindex)
        if self.expect == "number" and self.number[3]:
            names.append(self.number[3])
        return names


class Page:
    def __init__(self, path, lines, is_lab):
        self.path = path
        self.lines = lines
        self.is_lab = is_lab
        self.blocks = []
        self.figures = []         # (line index, name)

    @property
    def name(self):
        return os.path.splitext(os.path.basename(self.path))[0]


def parse_number_marker(text, where):
    # number REF ±TOL[%] [as NAME]
    m = re.fullmatch(r"number\s+(\S+)\s+(?:±|\+-)\s*([0-9]+(?:\.[0-9]+)?)(%?)(?:\s+as\s+(\S+))?", text)
    if not m:
        raise PageError(f"{where}: bad number marker '{text}': expected 'number REF ±TOL[%] [as NAME]'")
    ref, tol, pct, name = m.groups()
    if not (re.fullmatch(r"[-+]?[0-9]+(?:\.[0-9]+)?", ref) or re.fullmatch(r"\$[A-Za-z_][A-Za-z0-9_]*|\$\{[^}\s]+\}", ref)):
        raise PageError(f"{where}: bad reference '{ref}' in number marker: a number, $NAME or ${{...}}")
    if name is not None and not NAME_RE.match(name):
        raise PageError(f"{where}: bad figure name '{name}'")
    return (ref, float(tol), pct == "%", name)


def parse_console(block, lines, page_path):
    cur = None
    cont = False
    for i in range(block.start + 1, block.end):
        line = lines[i]
        where = f"{page_path}:{i + 1}"
        if cont:
            # after a trailing backslash: the line as is, or after a "> "
            # prompt (PS2) when the page shows one
            cur.text += "\n" + (line[2:] if line.startswith("> ") else line)
            cur.display.append(line)
            cont = line.endswith("\\")
            continue
        if line.startswith("$ ") or line == "$":
            if line == "$":
                raise PageError(f"{where}: empty command")
            cur = Command(line[2:], i + 1)
            cur.display.append(line)
            block.commands.append(cur)
            cont = line.endswith("\\")
            continue
        if line.startswith("> ") and cur is not None and not cur.expected:
            cur.text += "\n" + line[2:]
            cur.display.append(line)
            continue
        if cur is None:
            raise PageError(f"{where}: output before the first '$ ' command of the block")
        if cur.out_start is None:
            cur.out_start = i
        cur.expected.append(line)
    if cont:
        raise PageError(f"{page_path}:{block.end}: the last command ends with a backslash")
    if not block.commands:
        raise PageError(f"{page_path}:{block.start + 1}: a console block without a command")


def parse_page(path, is_lab):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    page = Page(path, lines, is_lab)
    pending = []   # (lineno, kind, value)
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        where = f"{path}:{i + 1}"
        fm = re.match(r"^(```+|~~~+)\s*([A-Za-z0-9_-]*)\s*$", line)
        if fm:
            fence, lang = fm.group(1), fm.group(2)
            b = Block(i, lang)
            b.fence = fence
            j = i + 1
            while j < n and not lines[j].startswith(fence[0] * len(fence)):
                j += 1
            if j >= n:
                raise PageError(f"{where}: code block never closed")
            b.end = j
            if lang == "console":
                for (ln, kind, val) in pending:
                    if kind == "expect":
                        b.expect = val[0]
                        if val[0] == "regex":
                            b.patterns = val[1]
                        elif val[0] == "number":
                            b.number = val[1]
                    elif kind == "exempt":
                        b.kind = "exempt"
                        b.reason = val
                    elif kind == "cleanup":
                        b.kind = "cleanup"
                    elif kind == "timeout":
                        b.timeout = val
                parse_console(b, lines, path)
                if b.expect in ("regex", "number") and b.kind == "exempt":
                    raise PageError(f"{where}: an exempt block needs no expectation marker")
                if b.expect == "number" and not b.commands[-1].expected:
                    raise PageError(f"{where}: a number block's last command shows no output")
                page.blocks.append(b)
            else:
                if pending:
                    raise PageError(f"{path}:{pending[0][0]}: marker not followed by a console block (next block at line {i + 1} is '{lang or 'plain'}')")
                if is_lab and lang in SHELL_LANGS:
                    raise PageError(f"{where}: a '{lang}' block in a lab: commands go in console blocks (run and checked) or are marked exempt")
            pending = []
            i = j + 1
            continue
        stripped = line.strip()
        if stripped.startswith("<!--") and not FIGURE_RE.search(line) and not STAMP_RE.match(stripped):
            # a marker comment, possibly over several lines
            text = stripped
            j = i
            while "-->" not in text:
                j += 1
                if j >= n:
                    raise PageError(f"{where}: comment never closed")
                text += "\n" + lines[j]
            body = text[len("<!--"):text.index("-->")].strip()
            head, _, rest = body.partition("\n")
            head = head.strip()
            if head.startswith("expect:"):
                spec = head[len("expect:"):].strip()
                if spec == "exact":
                    pending.append((i + 1, "expect", ("exact", None)))
                elif spec == "regex":
                    pats = [p for p in rest.split("\n") if p.strip() != ""]
                    if not pats:
                        raise PageError(f"{where}: a regex marker without patterns")
                    for p in pats:
                        if p == "...":
                            continue
                        try:
                            re.compile(p)
                        except re.error as e:
                            raise PageError(f"{where}: bad pattern '{p}': {e}")
                    pending.append((i + 1, "expect", ("regex", pats)))
                elif spec.startswith("number"):
                    pending.append((i + 1, "expect", ("number", parse_number_marker(spec, where))))
                else:
                    raise PageError(f"{where}: unknown expectation '{spec}' (exact, regex, number)")
            elif head.startswith("exempt:"):
                reason = head[len("exempt:"):].strip()
                if reason not in EXEMPT_REASONS:
                    raise PageError(f"{where}: exempt reason '{reason}' is not one of: " + "; ".join(EXEMPT_REASONS))
                pending.append((i + 1, "exempt", reason))
            elif head == "cleanup":
                pending.append((i + 1, "cleanup", None))
            elif head.startswith("timeout:"):
                v = head[len("timeout:"):].strip()
                if not re.fullmatch(r"[0-9]+", v) or int(v) < 1:
                    raise PageError(f"{where}: bad timeout '{v}': whole seconds")
                pending.append((i + 1, "timeout", int(v)))
            elif head.startswith(("figure:", "/figure")):
                raise PageError(f"{where}: a figure marker must be written <!-- figure: NAME -->VALUE<!-- /figure --> on one line")
            # any other comment is prose
            i = j + 1
            continue
        if stripped and pending:
            raise PageError(f"{path}:{pending[0][0]}: marker not followed by a console block (prose at line {i + 1})")
        for m in FIGURE_RE.finditer(line):
            page.figures.append((i, m.group(1)))
        i += 1
    if pending:
        raise PageError(f"{path}:{pending[0][0]}: marker at the end of the page")
    return page


# ----------------------------------------------------------- comparing
def match_lines(expected, actual, line_ok):
    """expected may hold "..." (any number of lines). line_ok(e, a) -> match
    object or True/None. Returns a list of match results (one per
    non-"..." expected line) or None."""
    memo = {}

    def go(i, j):
        key = (i, j)
        if key in memo:
            return memo[key]
        if i == len(expected):
            r = [] if j == len(actual) else None
        elif expected[i] == "...":
            r = None
            for k in range(j, len(actual) + 1):
                rest = go(i + 1, k)
                if rest is not None:
                    r = rest
                    break
        elif j < len(actual):
            m = line_ok(expected[i], actual[j])
            if m:
                rest = go(i + 1, j + 1)
                r = None if rest is None else [m] + rest
            else:
                r = None
        else:
            r = None
        memo[key] = r
        return r

    sys.setrecursionlimit(max(10000, 4 * (len(expected) + len(actual)) + 100))
    return go(0, 0)


def exact_ok(e, a):
    return e.rstrip() == a.rstrip()


def regex_ok(p, a):
    return re.fullmatch(p, a.rstrip())


def normalise(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [l.rstrip() for l in text.split("\n")]
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def diff_text(expected, actual, limit=40):
    d = list(difflib.unified_diff(expected, actual, "expected", "got", lineterm="", n=2))
    if len(d) > limit:
        d = d[:limit] + [f"... ({len(d) - limit} more diff lines)"]
    return "\n".join("      " + l for l in d)


def fmt_value(v):
    return ("%.6g" % v)


# ----------------------------------------------------------- the shell
DRIVER = r'''
set -o pipefail
exec 3<"$SL_LAB_CTL/cmd" 4>"$SL_LAB_CTL/status"
cd "$SL_LAB_ROOT" || exit 1
unset SL_LAB_ROOT
while IFS= read -r -d '' __sl_n <&3 && IFS= read -r -d '' __sl_cmd <&3; do
  eval "$__sl_cmd" >"$SL_LAB_CTL/out.$__sl_n" 2>&1 </dev/null 3<&- 4>&-
  printf '%s %s\n' "$__sl_n" "$?" >&4
done
'''


def descendants(root_pid):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except OSError:
            continue
        ppid = int(st[st.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [root_pid]
    while todo:
        p = todo.pop()
        for c in kids.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def in_session(sid):
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        if int(fields[3]) == sid and int(d) != sid:
            pids.append((int(d), cmd))
    return pids


class Session:
    def __init__(self, root, ctl, env):
        self.ctl = ctl
        os.makedirs(ctl, exist_ok=True)
        for f in ("cmd", "status"):
            p = os.path.join(ctl, f)
            if os.path.exists(p):
                os.unlink(p)
            os.mkfifo(p)
        env = dict(env)
        env["SL_LAB_CTL"] = ctl
        env["SL_LAB_ROOT"] = root
        self.proc = subprocess.Popen(["bash", "--noprofile", "--norc", "-c", DRIVER],
                                     env=env, cwd=root, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        self.sid = self.proc.pid
        self.cmd = open(os.path.join(ctl, "cmd"), "wb", buffering=0)
        self.status = os.open(os.path.join(ctl, "status"), os.O_RDONLY)
        self.buf = b""
        self.n = 0

    def run(self, text, timeout):
        self.n += 1
        n = self.n
        self.cmd.write(str(n).encode() + b"\0" + text.encode() + b"\0")
        deadline = time.monotonic() + timeout
        timed_out = False
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 and not timed_out:
                timed_out = True
                self._kill_children()
                deadline = time.monotonic() + 30
                continue
            if left <= 0:
                raise RuntimeError("the lab's shell does not answer after a timeout")
            r, _, _ = select.select([self.status], [], [], min(left, 1.0))
            if r:
                chunk = os.read(self.status, 4096)
                if not chunk:
                    raise RuntimeError("the lab's shell exited")
                self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        num, rc = line.decode().split()
        if int(num) != n:
            raise RuntimeError(f"out of step: sent {n}, got {num}")
        path = os.path.join(self.ctl, f"out.{n}")
        with open(path, "rb") as f:
            out = f.read().decode("utf-8", errors="replace")
        return int(rc), out, timed_out

    def expand(self, expr):
        """The value of a parameter expansion ($NAME, ${...}) in the lab's shell."""
        rc, out, _ = self.run(f"printf '%s' \"{expr}\"", 10)
        return out

    def _kill_children(self):
        pids = descendants(self.proc.pid)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for p in pids:
                try:
                    os.kill(p, sig)
                except OSError:
                    pass
            time.sleep(2)

    def close(self):
        try:
            self.cmd.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.status)
        left = in_session(self.sid)
        for p, _ in left:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        return left


# ----------------------------------------------------------- running
class Result:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.exempt = 0
        self.not_reached = 0
        self.figures = {}         # name -> value (string as printed)
        self.outputs = {}         # (block index, command index) -> lines
        self.ok = True
        self.seconds = 0.0


def say(msg):
    print(msg, flush=True)


def check_command(block, ci, cmd, rc, out_lines, sess, res, label):
    """Returns (ok, message)."""
    if rc != 0:
        return False, f"exit status {rc}\n" + "\n".join("      | " + l for l in out_lines[-30:])
    is_last = ci == len(block.commands) - 1
    if block.expect == "exact" or (block.expect == "number" and not is_last):
        m = match_lines(cmd.expected, out_lines, exact_ok)
        if m is None:
            return False, "output differs\n" + diff_text(cmd.expected, out_lines)
        return True, ""
    if block.expect == "number":
        exp_head = cmd.expected[:-1]
        if not out_lines:
            return False, "no output, expected a number"
        m = match_lines(exp_head, out_lines[:-1], exact_ok)
        if m is None:
            return False, "output differs\n" + diff_text(exp_head, out_lines[:-1])
        nm = NUMBER_LINE_RE.match(out_lines[-1])
        if not nm:
            return False, f"last line '{out_lines[-1]}' is not a number"
        got = float(nm.group(1))
        ref_s, tol, rel, name = block.number
        if ref_s.startswith("$"):
            v = sess.expand(ref_s)
            try:
                ref = float(v)
            except ValueError:
                return False, f"reference {ref_s} is '{v}', not a number"
        else:
            ref = float(ref_s)
        lim = abs(ref) * tol / 100.0 if rel else tol
        if abs(got - ref) > lim:
            return False, (f"{fmt_value(got)} is outside {fmt_value(ref)} ± {tol:g}{'%' if rel else ''}"
                           f" [{fmt_value(ref - lim)}, {fmt_value(ref + lim)}]")
        if name:
            res.figures[name] = nm.group(1)
        return True, f"{nm.group(1)} within {fmt_value(ref)} ± {tol:g}{'%' if rel else ''}"
    # regex: the patterns cover the outputs of every command of the block,
    # one after the other; checked after the last command (see run_block)
    return True, ""


def run_block(bi, block, sess, res, label, verbose):
    outs = []
    for ci, cmd in enumerate(block.commands):
        t0 = time.monotonic()
        rc, out, timed_out = sess.run(cmd.text, block.timeout)
        dt = time.monotonic() - t0
        lines = normalise(out)
        res.outputs[(bi, ci)] = lines
        outs.append(lines)
        first = cmd.text.split("\n")[0]
        if timed_out:
            ok, msg = False, f"timed out after {block.timeout} s (its processes were ended)"
        else:
            ok, msg = check_command(block, ci, cmd, rc, lines, sess, res, label)
        if ok and block.expect == "regex" and ci == len(block.commands) - 1:
            allout = [l for o in outs for l in o]
            m = match_lines(block.patterns, allout, regex_ok)
            if m is None:
                ok, msg = False, "output does not match the patterns\n" + diff_text(block.patterns, allout)
            else:
                for mo in m:
                    for k, v in mo.groupdict().items():
                        if v is not None:
                            res.figures[k] = v
        if ok:
            res.passed += 1
            say(f"  ok   {label}:{cmd.lineno} $ {first[:90]}" + (f"  ({msg})" if msg else "") + f"  [{dt:.1f} s]")
            if verbose:
                for l in lines:
                    say("       | " + l)
        else:
            res.failed += 1
            res.ok = False
            say(f"  FAIL {label}:{cmd.lineno} $ {first[:90]}  [{dt:.1f} s]\n      {msg}")
            return False, ci + 1
    return True, len(block.commands)


def run_lab(page, root, work, env, verbose):
    res = Result()
    label = os.path.relpath(page.path, root)
    ctl = os.path.join(work, page.name)
    if os.path.isdir(ctl):
        shutil.rmtree(ctl)
    t0 = time.monotonic()
    sess = Session(root, ctl, env)
    failed = False
    try:
        for bi, b in enumerate(page.blocks):
            if b.kind == "exempt":
                res.exempt += len(b.commands)
                say(f"  --   {label}:{b.commands[0].lineno} exempt ({b.reason}): {len(b.commands)} command(s)")
                continue
            if failed and b.kind != "cleanup":
                res.not_reached += len(b.commands)
                continue
            ok, ran = run_block(bi, b, sess, res, label, verbose)
            if not ok:
                res.not_reached += len(b.commands) - ran
                failed = True
    except RuntimeError as e:
        res.ok = False
        res.failed += 1
        say(f"  FAIL {label}: {e}")
    finally:
        left = sess.close()
    if left:
        res.ok = False
        res.failed += 1
        say(f"  FAIL {label}: processes left running after the lab (ended now): " +
            "; ".join(f"{p} {c[:80]}" for p, c in left))
    leftovers = leftover_containers()
    if leftovers:
        res.ok = False
        res.failed += 1
        say(f"  FAIL {label}: containers left after the lab (removed now): {' '.join(leftovers)}")
        subprocess.run(["docker", "rm", "-f", "-v"] + leftovers, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    res.seconds = time.monotonic() - t0
    if res.ok:
        shutil.rmtree(ctl, ignore_errors=True)
    return res


def leftover_containers():
    try:
        p = subprocess.run(["docker", "ps", "-a", "--filter", "name=slimline-labs-", "--format", "{{.Names}}"],
                           capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [n for n in p.stdout.split() if n.startswith("slimline-labs-")]


# ----------------------------------------------------------- pages
def lint_page(page):
    """Static checks that need no run. Returns a list of messages."""
    errs = []
    for b in page.blocks:
        if b.kind == "exempt":
            continue
        if b.expect == "regex":
            sample = [l for c in b.commands for l in c.expected]
            if match_lines(b.patterns, sample, regex_ok) is None:
                errs.append(f"{page.path}:{b.start + 1}: the sample output shown does not match the block's patterns")
        if b.expect == "number":
            last = b.commands[-1].expected[-1]
            if not NUMBER_LINE_RE.match(last):
                errs.append(f"{page.path}:{b.start + 1}: the sample's last line '{last}' is not a number")
    return errs


def rewrite_page(page, results, figures, stamp):
    """The page's lines with sample outputs (this run's), figures and the
    stamp written. results: Result of this page's run (or None)."""
    lines = list(page.lines)
    # Sample outputs: from the bottom up so indices stay valid.
    if results is not None and results.ok:
        for bi in range(len(page.blocks) - 1, -1, -1):
            b = page.blocks[bi]
            if b.kind == "exempt" or b.expect == "exact":
                continue
            for ci in range(len(b.commands) - 1, -1, -1):
                c = b.commands[ci]
                got = results.outputs.get((bi, ci))
                if got is None:
                    continue
                if b.expect == "number" and ci != len(b.commands) - 1:
                    continue
                # the command's display lines end at the line before out_start
                start = c.out_start if c.out_start is not None else None
                if start is None:
                    # no sample shown yet: insert after the command's lines
                    cmd_end = c.lineno - 1 + len(c.display)
                    lines[cmd_end:cmd_end] = got
                else:
                    lines[start:start + len(c.expected)] = got
    for i, line in enumerate(lines):
        def sub(m):
            name = m.group(1)
            v = figures.get(name, m.group(2))
            return f"<!-- figure: {name} -->{v}<!-- /figure -->"
        if "<!-- figure:" in line:
            lines[i] = FIGURE_RE.sub(sub, line)
    if stamp is not None:
        for i in range(len(lines) - 1, -1, -1):
            if STAMP_RE.match(lines[i].strip()):
                lines[i] = stamp
                break
        else:
            lines += ["", stamp]
    return lines


def save_figures(path, selected, results, figures, defined, run):
    """Keeps every lab's figures in one JSON (OUT/figures.json): this run's
    for the labs that passed, the previous file's for the labs not run or
    failed now. Each entry: value, lab, and the run that measured it."""
    store = {}
    try:
        with open(path) as f:
            old = json.load(f)
        if isinstance(old, dict) and isinstance(old.get("figures"), dict):
            store = old["figures"]
    except (OSError, ValueError):
        pass
    remeasured = {os.path.basename(p.path) for p in selected if results[p.path].ok}
    store = {k: v for k, v in store.items()
             if isinstance(v, dict) and v.get("lab") not in remeasured and k in defined}
    for name, value in figures.items():
        store[name] = {"value": value, "lab": defined.get(name, "").split(":")[0], "run": run}
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"figures": store}, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def git(root, *args):
    try:
        return subprocess.run(["git", "-C", root] + list(args), capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def main():
    ap = argparse.ArgumentParser(description="Run the labs of docs/labs/ and check their expected output.")
    ap.add_argument("labs", nargs="*", help="lab numbers or page names (default: all)")
    ap.add_argument("--write", action="store_true", help="rewrite the pages: sample outputs, figures, run stamp")
    ap.add_argument("--lint", action="store_true", help="only check the pages (markers, samples, figures); run nothing")
    ap.add_argument("--root", default=None, help="repository root (default: two levels above this file)")
    ap.add_argument("--out", default=None, help="work and result directory (default ROOT/build/labs)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every command's output")
    args = ap.parse_args()
    root = os.path.abspath(args.root or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    out = os.path.abspath(args.out or os.path.join(root, "build", "labs"))
    labdir = os.path.join(root, "docs", "labs")
    lab_paths = sorted(os.path.join(labdir, f) for f in os.listdir(labdir) if re.match(r"^[0-9][0-9]-.*\.md$", f))
    other_paths = [os.path.join(labdir, f) for f in ("questions.md", "README.md") if os.path.exists(os.path.join(labdir, f))]

    passed = failed = skipped = 0
    pages, errors = [], []
    for p in lab_paths + other_paths:
        try:
            pages.append(parse_page(p, p in lab_paths))
        except PageError as e:
            errors.append(str(e))
    labs = [p for p in pages if p.is_lab]
    others = [p for p in pages if not p.is_lab]
    for p in pages:
        for e in lint_page(p):
            # --write rewrites the samples of the labs it runs, so a stale
            # sample is no reason to refuse the run
            if args.write and p.is_lab:
                say(f"note: {e} (to be rewritten)")
            else:
                errors.append(e)
    # Every figure named in prose comes from a lab's block; names are unique.
    defined = {}
    for p in labs:
        for b in p.blocks:
            if b.kind == "exempt":
                continue
            for name in b.figures():
                if name in defined:
                    errors.append(f"{p.path}:{b.start + 1}: figure '{name}' already recorded by {defined[name]}")
                defined[name] = f"{os.path.basename(p.path)}:{b.start + 1}"
    shown = {}   # figure name -> (value, where) as first shown in prose
    for p in pages:
        for (i, name) in p.figures:
            if name not in defined:
                errors.append(f"{p.path}:{i + 1}: figure '{name}' is recorded by no lab step (figures are never typed by hand)")
            for m in FIGURE_RE.finditer(p.lines[i]):
                if m.group(1) != name:
                    continue
                where = f"{os.path.basename(p.path)}:{i + 1}"
                if name in shown and shown[name][0] != m.group(2):
                    # --write writes one run's value into every page that
                    # shows the figure: two values mean one was typed or
                    # a page was left out of a write
                    errors.append(f"{p.path}:{i + 1}: figure '{name}' is {m.group(2) or '(empty)'} here but "
                                  f"{shown[name][0] or '(empty)'} in {shown[name][1]} (make labs-update writes both)")
                shown.setdefault(name, (m.group(2), where))
    # questions.md: each answer quotes a figure and links a lab.
    for p in others:
        if os.path.basename(p.path) != "questions.md":
            continue
        sections, cur = [], None
        for i, line in enumerate(p.lines):
            if line.startswith("## "):
                cur = [line[3:].strip(), i, [], []]
                sections.append(cur)
            elif cur is not None:
                cur[2].extend(FIGURE_RE.findall(line))
                cur[3].extend(re.findall(r"\]\(([0-9][0-9]-[^)#]*\.md)", line))
        if len(sections) < 10:
            errors.append(f"{p.path}: {len(sections)} questions, expected at least 10")
        for title, i, figs, links in sections:
            if not figs:
                errors.append(f"{p.path}:{i + 1}: '{title}': no figure from a lab run")
            if not links:
                errors.append(f"{p.path}:{i + 1}: '{title}': links no lab")
            for l in links:
                if not os.path.exists(os.path.join(labdir, l)):
                    errors.append(f"{p.path}:{i + 1}: '{title}': link to a missing lab {l}")
            # the answer links the lab that measured each figure it quotes
            for name, _ in figs:
                lab = defined.get(name, "").split(":")[0]
                if lab and lab not in links:
                    errors.append(f"{p.path}:{i + 1}: '{title}': quotes figure '{name}' but does not link {lab}, the lab that measures it")
    for e in errors:
        say(f"FAIL page: {e}")
    failed += len(errors)

    selected = labs
    if args.labs:
        want = set()
        for a in args.labs:
            hit = [p for p in labs if p.name == a or p.name.startswith(a.zfill(2) + "-") or p.name.startswith(a + "-")]
            if not hit:
                say(f"labrun: no lab '{a}' in {labdir}")
                return 2
            want.update(id(h) for h in hit)
        selected = [p for p in labs if id(p) in want]
    if args.lint:
        for p in labs:
            n = sum(len(b.commands) for b in p.blocks)
            ex = sum(len(b.commands) for b in p.blocks if b.kind == "exempt")
            say(f"lab {p.name}: {n - ex} steps to run, {ex} exempt")
        say(f"{0 if errors else len(pages)} passed, {len(errors)} failed, 0 skipped")
        return 1 if errors else 0
    if errors and args.write:
        say("labrun: the pages have errors: nothing run, nothing written")
        say(f"0 passed, {failed} failed, 0 skipped")
        return 1

    env = dict(os.environ)
    env.update({"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "TERM": "dumb", "NO_COLOR": "1"})
    for k in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "CDPATH", "BASH_ENV", "ENV"):
        env.pop(k, None)
    os.makedirs(out, exist_ok=True)
    results = {}
    summary = []
    for p in selected:
        say(f"lab {p.name}")
        r = run_lab(p, root, os.path.join(out, "work"), env, args.verbose)
        results[p.path] = r
        passed += r.passed
        failed += r.failed
        skipped += r.exempt + r.not_reached
        line = (f"lab {p.name}: {r.passed + r.failed} steps ran, {r.exempt} exempt"
                + (f", {r.not_reached} not reached" if r.not_reached else "")
                + f", {'passed' if r.ok else 'FAILED'} in {r.seconds:.0f} s")
        summary.append(line)
        say(line)

    # Figures of this run (only from labs that passed), then the pages.
    figures = {}
    for p in selected:
        r = results[p.path]
        if r.ok:
            figures.update(r.figures)
    missing = [n for p in selected if results[p.path].ok for b in p.blocks if b.kind != "exempt"
               for n in b.figures() if n not in figures]
    for n in missing:
        say(f"FAIL figure '{n}': its block passed but recorded no value")
        failed += 1
    rev = git(root, "rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = "true" if git(root, "status", "--porcelain", "--untracked-files=no") else "false"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    save_figures(os.path.join(out, "figures.json"), selected, results, figures, defined,
                 {"time": now, "revision": rev, "dirty": dirty == "true", "write": args.write})
    drift = []
    pagedir = os.path.join(out, "pages")
    os.makedirs(pagedir, exist_ok=True)
    for p in pages:
        r = results.get(p.path)
        touched = r is not None and r.ok
        figs_here = [name for (_, name) in p.figures if name in figures]
        if not touched and not figs_here:
            continue
        for (i, name) in p.figures:
            if name in figures:
                old = FIGURE_RE.search(p.lines[i])
                for m in FIGURE_RE.finditer(p.lines[i]):
                    if m.group(1) == name and m.group(2) != figures[name]:
                        drift.append(f"{os.path.basename(p.path)}:{i + 1} {name}: page {m.group(2) or '(empty)'}, this run {figures[name]}")
        stamp = None
        if touched:
            stamp = f"<!-- run: tests/labs/run.sh --write on {now}, revision {rev} (dirty: {dirty}); figures and sample output above are from that run -->"
        new = rewrite_page(p, r, figures, stamp)
        text = "\n".join(new) + "\n"
        with open(os.path.join(pagedir, os.path.basename(p.path)), "w", encoding="utf-8") as f:
            f.write(text)
        if args.write and (touched or figs_here):
            with open(p.path, "w", encoding="utf-8") as f:
                f.write(text)
    if drift:
        say(f"figures that moved since the pages were written ({'rewritten' if args.write else 'not a failure; make labs-update rewrites them'}):")
        for d in drift:
            say("  " + d)
    if args.write:
        say(f"pages written (figures from {len(figures)} recorded values)")
    say("")
    for line in summary:
        say(line)
    if summary:
        say(f"labs: {len(summary)} run in {sum(r.seconds for r in results.values()):.0f} s")
    say(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
