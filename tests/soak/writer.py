#!/usr/bin/env python3
"""writer.py PORT ACKS ROUND: POST notes to 127.0.0.1:PORT one after the
other until the server stops answering, appending "id<TAB>title" of every
note the server acknowledged (201) to ACKS, flushed and fsync'ed before the
next request. Titles are "r<ROUND>-<n>"; the body is derived from the title
(body_of), so a reader can tell a complete note from a partial one."""
import hashlib
import http.client
import json
import os
import sys


def body_of(title):
    h = hashlib.sha256(title.encode()).hexdigest()
    return (h * 40)[:2500]


def main(port, acks, rnd):
    n = 0
    with open(acks, "a", encoding="utf-8") as out:
        while True:
            title = f"r{rnd}-{n}"
            payload = json.dumps({"title": title, "body": body_of(title)})
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("POST", "/notes", payload, {"Content-Type": "application/json"})
                r = c.getresponse()
                data = r.read()
                c.close()
            except (OSError, http.client.HTTPException):
                return 0  # the server is gone: the round is over
            if r.status != 201:
                print(f"writer: unexpected status {r.status}: {data[:200]!r}", file=sys.stderr)
                return 1
            out.write(f"{json.loads(data)['id']}\t{title}\n")
            out.flush()
            os.fsync(out.fileno())
            n += 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
