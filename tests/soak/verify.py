#!/usr/bin/env python3
"""verify.py PORT ACKS: reads every note from 127.0.0.1:PORT (paging with
?after=), and checks against ACKS (lines "id<TAB>title" from writer.py):
every acknowledged note is present with its exact title and body, and no
note present is partial (its body is the one its title implies).
Prints "acked N stored N lost N partial N" and exits 1 if lost or partial."""
import http.client
import json
import sys

from writer import body_of


def main(port, acks):
    acked = {}
    with open(acks, encoding="utf-8") as f:
        for line in f:
            i, t = line.rstrip("\n").split("\t")
            acked[int(i)] = t
    notes, after = {}, 0
    while True:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", f"/notes?limit=100&after={after}")
        r = c.getresponse()
        page = json.loads(r.read())
        c.close()
        for n in page["notes"]:
            notes[n["id"]] = n
        if page.get("next") is None:
            break
        after = page["next"]
    lost = [i for i, t in acked.items() if i not in notes or notes[i]["title"] != t
            or notes[i]["body"] != body_of(t)]
    partial = [i for i, n in notes.items() if n["body"] != body_of(n["title"])]
    print(f"acked {len(acked)} stored {len(notes)} lost {len(lost)} partial {len(partial)}")
    if lost:
        print(f"lost ids (first 10): {lost[:10]}")
    if partial:
        print(f"partial ids (first 10): {partial[:10]}")
    return 1 if lost or partial else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), sys.argv[2]))
