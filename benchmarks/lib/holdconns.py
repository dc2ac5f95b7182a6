#!/usr/bin/env python3
"""holdconns.py N PORT PATH: open N keep-alive connections to 127.0.0.1:PORT,
send one GET PATH on each and read its answer (so every connection has been
served and sits idle in the server), print "held N" on stdout, then keep
them open until stdin reaches end of file or the process is terminated.
Exit 1 (message on stderr) when a connection or its answer fails."""
import socket
import sys


def main() -> int:
    if len(sys.argv) != 4:
        print("usage: holdconns.py N PORT PATH", file=sys.stderr)
        return 2
    n, port, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    req = f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
    conns = []
    for i in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(req)
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = s.recv(4096)
                if not chunk:
                    raise OSError("closed before answering")
                head += chunk
            if not head.startswith(b"HTTP/1.1 200"):
                raise OSError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
            conns.append(s)
        except OSError as e:
            print(f"holdconns.py: connection {i + 1} of {n}: {e}", file=sys.stderr)
            return 1
    print(f"held {len(conns)}", flush=True)
    sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
