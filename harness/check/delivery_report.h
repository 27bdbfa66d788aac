#pragma once
// delivery.json: everything the delivery check found, for a person or a script to dig into after a failure.
//   {"outcome", "message", "load", "counts": {...}, "latency_ms": {count, p50, p95, p99, max},
//    "throughput": {"start", "bucket_s", "executions": [...]}, "faults": [{kind, service, start, end, ended,
//    state, baseline_per_s, recovered_at, recovery_ms, by_backlog}], "lost": [...], "duplicated": [...],
//    "phantom": [...], "executed_although_failed": [...]}
// Times are epoch seconds, durations milliseconds. Lists hold every id (one per line), with its load, publish
// outcome and time, error, and executions (worker, started, attempt, redelivered).
#include <filesystem>

#include "harness/check/delivery_analysis.h"
#include "harness/check/verdict.h"
#include "harness/util/status.h"

namespace harness::check {

// Writes the report to `file`, creating its folder. k_infrastructure naming the file when it cannot.
util::Status write_delivery_report(const std::filesystem::path& file, const DeliveryAnalysis& analysis,
                                   const DeliveryInput& input, const Verdict& verdict);

}  // namespace harness::check
