#!/usr/bin/env python3
"""Where a suite's wall time goes (issue 5): the waiting its scenarios ask for against the harness's own overhead.
Fault steps count as overhead, conservatively: a broker restart's downtime is the fault itself, but it is time the
harness spends, not time the scenario asked to wait.

  tests/bench/suite_overhead.py REPORTS/RUN_ID

For each scenario of the run (history.jsonl), it splits the scenario's duration into
  boot      run.begin -> stack.ready (services starting)
  asked     waiting the scenario asks for: `wait` steps (durations, drained, ready) and the loads they wait on
  faults    fault steps applying and observing their fault (rabbitmqctl calls, restarts, polls)
  checks    judging the checks (exec checks run commands)
  teardown  the last check -> run.end (stopping services, sweeping)
and prints the totals, and overhead = boot + faults + teardown as a share of the total (target < 25%). Exec steps
count as asked (they are the scenario's own commands).

It also prints the suite's wall time (the first run.begin to the last run.end, by the events' clock time) and the
overhead measured on it: wall time minus the asked-for waiting and the checks. With scenarios run one after
another, the two agree except for the time between scenarios; a broker booted ahead of its scenario while the
previous one ran (run/prestart.h, `--no-prestart` turns it off) costs wall time only where it is not hidden.
"""
import json
import sys
from datetime import datetime
from pathlib import Path


def clock(event):
    return datetime.fromisoformat(event["time"].replace("Z", "+00:00")).timestamp()


def split(history):
    events = [json.loads(line) for line in history.read_text().splitlines() if line.strip()]
    t = {e["type"]: e["t"] for e in events if e["type"] in ("stack.ready", "run.end")}
    ready = t.get("stack.ready", 0.0)
    end = t.get("run.end", events[-1]["t"])
    steps = {}
    for e in events:
        if e["type"] == "step.begin":
            steps[e["data"]["index"]] = e["t"]
    last_check = ready
    step_lines = {}
    for e in events:
        if e["type"] == "step.end":
            begin = steps.get(e["data"]["index"], e["t"])
            step_lines[e["data"]["index"]] = (begin, e["t"])
        if e["type"] == "check.verdict":
            last_check = e["t"]
    return events, ready, end, step_lines, last_check


def main():
    run = Path(sys.argv[1])
    totals = {"boot": 0.0, "asked": 0.0, "faults": 0.0, "checks": 0.0, "teardown": 0.0}
    first_begin, last_end = None, None
    for history in sorted(run.glob("*/history.jsonl")):
        events, ready, end, step_lines, last_check = split(history)
        begin_clock, end_clock = clock(events[0]), clock(events[-1])
        first_begin = begin_clock if first_begin is None else min(first_begin, begin_clock)
        last_end = end_clock if last_end is None else max(last_end, end_clock)
        fault_steps = set()
        # A step is a fault step when a fault.start is recorded inside it.
        for e in events:
            if e["type"] in ("fault.start",):
                for index, (b, f) in step_lines.items():
                    if b <= e["t"] <= f:
                        fault_steps.add(index)
        parts = {"boot": ready, "asked": 0.0, "faults": 0.0, "checks": 0.0, "teardown": 0.0}
        steps_end = ready
        for index, (b, f) in step_lines.items():
            parts["faults" if index in fault_steps else "asked"] += f - b
            steps_end = max(steps_end, f)
        # Between steps (an `at:` pin) is asked waiting too.
        parts["asked"] += max(0.0, steps_end - ready - sum(f - b for b, f in step_lines.values()))
        parts["checks"] = max(0.0, last_check - steps_end)
        parts["teardown"] = max(0.0, end - last_check)
        total = sum(parts.values())
        print(f"{history.parent.name:45s} {total:7.1f} s  " +
              "  ".join(f"{k} {v:5.1f}" for k, v in parts.items()))
        for k, v in parts.items():
            totals[k] += v
    total = sum(totals.values())
    overhead = totals["boot"] + totals["faults"] + totals["teardown"]
    print(f"{'total':45s} {total:7.1f} s  " + "  ".join(f"{k} {v:5.1f}" for k, v in totals.items()))
    print(f"overhead (boot + faults + teardown): {overhead:.1f} s = {100 * overhead / total:.1f}% of {total:.1f} s "
          f"(target < 25%); asked-for waiting and checks: {100 * (totals['asked'] + totals['checks']) / total:.1f}%")
    wall = last_end - first_begin
    wall_overhead = wall - totals["asked"] - totals["checks"]
    print(f"suite wall time {wall:.1f} s; overhead on it (wall - asked - checks): {wall_overhead:.1f} s = "
          f"{100 * wall_overhead / wall:.1f}%")


if __name__ == "__main__":
    main()
