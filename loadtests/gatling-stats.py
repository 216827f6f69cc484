#!/usr/bin/env python3
"""Per-request figures of a Gatling report, for docs/benchmarks.md:
   loadtests/gatling-stats.py loadtests/target/gatling/<simulation>-<timestamp>
Prints, per request name: count, KO, p50, p99 and max (ms), from the report's js/stats.js."""
import json, sys, os

def blocks(text):
    i = 0
    while True:
        i = text.find("stats: {", i)
        if i < 0:
            return
        start = text.index("{", i)
        depth, j = 0, start
        while True:
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        yield json.loads(text[start:j + 1])
        i = j

text = open(os.path.join(sys.argv[1], "js", "stats.js")).read()
seen = set()
print(f"{'request':44s} {'count':>8s} {'KO':>5s} {'p50':>6s} {'p99':>6s} {'max':>6s}")
for st in blocks(text):
    if st["name"] in seen:
        continue
    seen.add(st["name"])
    n = st["numberOfRequests"]
    print(f"{st['name'][:44]:44s} {n['total']:>8s} {n['ko']:>5s} {st['percentiles1']['total']:>6s} "
          f"{st['percentiles4']['total']:>6s} {st['maxResponseTime']['total']:>6s}")
