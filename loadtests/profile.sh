#!/usr/bin/env bash
# Where a running JVM spends its CPU, for the figures in docs/benchmarks.md:
#   loadtests/profile.sh <pid> <seconds> <output.jfr>
# Records a JFR profile of <pid> for <seconds> (jcmd JFR.start settings=profile), then prints the execution samples
# grouped three ways: by leaf method, by the first dev.floodgate frame under it (which of our code paths the work
# serves), and by thread-name prefix. Needs the JDK's jcmd and jfr (./floodgate finds the JDK; or JAVA_HOME).
set -euo pipefail
pid="${1:?pid}" secs="${2:?seconds}" out="${3:?output .jfr}"
bin="${JAVA_HOME:+$JAVA_HOME/bin/}"
"${bin}jcmd" "$pid" JFR.start name=floodgate-profile settings=profile duration="${secs}s" filename="$out" >/dev/null
sleep $(( secs + 3 ))
for _ in $(seq 1 30); do [[ -s "$out" ]] && break; sleep 1; done
"${bin}jfr" print --json --stack-depth 64 --events jdk.ExecutionSample "$out" | python3 -c '
import json, sys, collections
events = json.load(sys.stdin)["recording"]["events"]
leaf, ours, threads = collections.Counter(), collections.Counter(), collections.Counter()
for e in events:
    frames = e["values"]["stackTrace"]["frames"]
    if not frames:
        continue
    name = lambda f: f["method"]["type"]["name"] + "." + f["method"]["name"]
    leaf[name(frames[0])] += 1
    first = next((name(f) for f in frames if f["method"]["type"]["name"].startswith("dev.floodgate")), "(no Floodgate frame)")
    ours[first] += 1
    t = e["values"].get("sampledThread") or {}
    tn = (t.get("javaName") or t.get("osName") or "?")
    threads[tn.rstrip("0123456789-# ").split(" ")[0][:40]] += 1
n = sum(leaf.values())
print(f"{n} execution samples")
for title, c in (("leaf methods", leaf), ("first Floodgate frame", ours), ("threads", threads)):
    print(f"-- top {title}")
    for k, v in c.most_common(15):
        print(f"{v:6d} {100 * v / max(1, n):5.1f}%  {k}")
'
