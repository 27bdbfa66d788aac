#!/usr/bin/env bash
# Ledger cost and load generator throughput (issue 3), on the real services, in one run:
#   tests/bench/ledger_cost.sh [REPORT_DIR]
# Runs tests/bench/scenarios/ledger-cost.yaml, then prints the publish rate of each load (load.end in
# history.jsonl) and the execution rate of probe.noop vs probe.record (the worker's "succeeded" log lines).
set -euo pipefail
cd "$(dirname "$0")/../.."
reports=${1:-$(mktemp -d)}
build/celery-chaos run tests/bench/scenarios/ledger-cost.yaml --report-dir "$reports" >/dev/null || true
dir="$reports/latest/bench-ledger-cost"
/usr/bin/python3 - "$dir" <<'PY'
import json, re, sys
from datetime import datetime
d = sys.argv[1]
for line in open(f"{d}/history.jsonl"):
    e = json.loads(line)
    if e["type"] == "load.begin":
        began = e
    if e["type"] == "load.end":
        print(f"load {e['data']['load']}: {e['data']['published']} publishes, {e['data']['counts']}")
for line in open(f"{d}/loads/noop.jsonl").readlines()[-1:] + open(f"{d}/loads/record.jsonl").readlines()[-1:]:
    s = json.loads(line)
    print(f"  publish rate: {s['published'] / s['seconds']:.0f}/s ({s['published']} in {s['seconds']} s)")
times = {}
pat = re.compile(r"^\[(\S+ \S+): INFO/\S+\] Task (probe\.\w+)\[.*succeeded")
for line in open(f"{d}/logs/worker.1.log"):
    m = pat.match(line)
    if m:
        t = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
        times.setdefault(m.group(2), []).append(t)
rates = {}
for task, ts in times.items():
    rates[task] = (len(ts) - 1) / (max(ts) - min(ts))
    print(f"{task}: {len(ts)} executions, {rates[task]:.0f}/s")
if "probe.noop" in rates and "probe.record" in rates:
    print(f"recording costs {100 * (1 - rates['probe.record'] / rates['probe.noop']):.1f}% of throughput (target < 10%)")
PY
