#!/usr/bin/env python3
"""raw.py: speak raw bytes to a server, for the hostile-client tests.

  raw.py send PORT [--bind ADDR] [--timeout S] [--half-close] < request
      sends stdin as is (no fixing of line ends), reads the answer until the
      server closes or --timeout passes, prints one line:
      "<status|closed|timeout|refused> <seconds>" where status is the HTTP
      status code of the first response, "closed" means the server closed
      without answering, "refused"/"reset" that the connection failed.
      The response itself goes to the file named by --out, if given.
  raw.py hold PORT N [--bind ADDR] [--partial TEXT] [--timeout S]
      opens N connections, writes TEXT (default: half a request line) on
      each, then waits; prints for each connection when the server closed
      it: "closed <seconds>" or "open <seconds>" at --timeout; or, if the
      connection was refused or reset at once, "refused 0". Prints "ready"
      on stderr once every connection is open, so a test can act meanwhile.
Python standard library only."""
import argparse
import select
import socket
import sys
import time


def connect(port, bind, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if bind:
        s.bind((bind, 0))
    s.connect(("127.0.0.1", port))
    return s


def cmd_send(a):
    data = sys.stdin.buffer.read()
    start = time.monotonic()
    try:
        s = connect(a.port, a.bind, a.timeout)
        s.sendall(data)
        if a.half_close:
            s.shutdown(socket.SHUT_WR)
    except ConnectionRefusedError:
        print(f"refused {time.monotonic() - start:.3f}")
        return 0
    except (ConnectionResetError, BrokenPipeError):
        print(f"reset {time.monotonic() - start:.3f}")
        return 0
    resp = b""
    outcome = None
    deadline = start + a.timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            outcome = "timeout"
            break
        s.settimeout(left)
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            outcome = "timeout"
            break
        except ConnectionResetError:
            break
        if not chunk:
            break
        resp += chunk
        # One response is enough: stop once its headers and declared body are in.
        head, sep, body = resp.partition(b"\r\n\r\n")
        if sep:
            length = None
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    length = int(v.strip() or 0)
            if length is not None and len(body) >= length:
                break
    elapsed = time.monotonic() - start
    s.close()
    if a.out:
        with open(a.out, "wb") as f:
            f.write(resp)
    if resp.startswith(b"HTTP/"):
        print(f"{resp.split(b' ', 2)[1].decode()} {elapsed:.3f}")
    else:
        print(f"{outcome or ('reset' if not resp and elapsed < 0.05 else 'closed')} {elapsed:.3f}")
    return 0


def cmd_hold(a):
    socks, results = [], {}
    start = time.monotonic()
    for i in range(a.n):
        try:
            s = connect(a.port, a.bind, 2)
            s.sendall(a.partial.encode())
            s.setblocking(False)
            socks.append(s)
        except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError, socket.timeout):
            results[i] = "refused 0"
            socks.append(None)
    print("ready", file=sys.stderr, flush=True)
    live = {s: i for i, s in enumerate(socks) if s is not None}
    while live:
        left = start + a.timeout - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select(list(live), [], [], left)
        for s in r:
            try:
                data = s.recv(65536)
            except ConnectionResetError:
                data = b""
            if not data:
                results[live.pop(s)] = f"closed {time.monotonic() - start:.3f}"
                s.close()
            else:
                # An answer (e.g. 408) counts as closing if followed by EOF.
                pass
    for s, i in live.items():
        results[i] = f"open {time.monotonic() - start:.3f}"
        s.close()
    for i in range(a.n):
        print(results[i])
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("port", type=int)
    s.add_argument("--bind")
    s.add_argument("--timeout", type=float, default=5)
    s.add_argument("--half-close", action="store_true")
    s.add_argument("--out")
    h = sub.add_parser("hold")
    h.add_argument("port", type=int)
    h.add_argument("n", type=int)
    h.add_argument("--bind")
    h.add_argument("--partial", default="GET /healthz HT")
    h.add_argument("--timeout", type=float, default=10)
    a = p.parse_args()
    return cmd_send(a) if a.cmd == "send" else cmd_hold(a)


if __name__ == "__main__":
    sys.exit(main())
