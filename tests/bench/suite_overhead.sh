#!/usr/bin/env bash
# Issue 5's suite (the broker and datastore fault scenarios) run twice, side by side: once with every broker booted
# with its own scenario (--no-prestart, the baseline) and once as by default (the next scenario's broker boots
# while the current one runs), each split by suite_overhead.py into the waiting the scenarios ask for and the
# harness's overhead. Target: overhead under 25% of the suite's wall time.
#   tests/bench/suite_overhead.sh [BUILD_DIR]      (default build/; run it on an otherwise idle machine)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
scenarios=(disk-alarm-during-load broker-restart-graceful-during-load broker-restart-kill-during-load
           broker-restart-kill-transient-lost redis-readonly-incident-001 redis-readonly-incident-001-fixed
           redis-sentinel-failover postgres-down-during-load max-tasks-per-child)
files=()
for s in "${scenarios[@]}"; do files+=("scenarios/$s.yaml"); done
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
for mode in --no-prestart default; do
  args=()
  [ "$mode" = default ] || args+=("$mode")
  echo "== ${mode}"
  "$build/celery-chaos" run "${files[@]}" "${args[@]}" --report-dir "$reports/$mode" > "$reports/$mode.log" 2>&1 ||
    { echo "the suite failed (exit $?): $reports/$mode.log"; tail -30 "$reports/$mode.log"; exit 1; }
  tests/bench/suite_overhead.py "$reports/$mode/latest" | tee "$reports/$mode.split"
done
python3 - "$reports" <<'PY'
import re, sys
walls = {}
for mode in ("--no-prestart", "default"):
    text = open(f"{sys.argv[1]}/{mode}.split").read()
    walls[mode] = float(re.search(r"suite wall time ([0-9.]+) s", text).group(1))
print(f"suite wall time: {walls['default']:.1f} s against {walls['--no-prestart']:.1f} s without prestart "
      f"(ratio {walls['default'] / walls['--no-prestart']:.2f})")
PY
