#pragma once
// `delivery` check: did every accepted task run exactly once, how fast, and how soon after each fault was
// throughput back? Judged only from the run's files (a finished run can be re-judged):
//   history.jsonl  load.publish, fault.start and fault.end events
//   ledger.jsonl   the executions the probe tasks recorded
// See delivery_analysis.h for the definitions. Writes a report (`<scenario>/delivery.json`) with everything: counts, every
// lost / duplicated / phantom id with its details, latency percentiles, the throughput series and the recovery
// of each fault. The verdict's message lists the first 10 offending ids of each kind.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "harness/check/delivery_analysis.h"
#include "harness/check/verdict.h"
#include "harness/scenario/kind_params.h"
#include "harness/scenario/model.h"

namespace harness::check {

// `delivery`: judged from the History (load.publish, fault.start/end events) and the run's ledger.jsonl, by set
// arithmetic over task ids. Accepted = published with outcome confirmed or sent.
//   lost        accepted and never executed
//   duplicated  executed more than once
//   phantom     executed but never published by any load
// Unset counts default to 0 ("at most 0"). Latencies (publish -> start) and recovery are "at most".
// `accepted` bounds how many publishes were accepted; unset, none accepted is an error (nothing to judge).
struct DeliveryParams : scenario::KindParams {
  std::string load;                      // only this load's tasks; empty = every load
  std::optional<scenario::CountBound> accepted;
  std::optional<scenario::CountBound> lost;
  std::optional<scenario::CountBound> duplicated;
  std::optional<scenario::CountBound> phantom;
  std::optional<std::chrono::milliseconds> latency_p50;
  std::optional<std::chrono::milliseconds> latency_p95;
  std::optional<std::chrono::milliseconds> latency_p99;
  std::optional<std::chrono::milliseconds> latency_max;
  std::optional<std::chrono::milliseconds> recovery;        // for every fault: from its end until throughput is back (README)
};

// An unset lost/duplicated/phantom bound: "<= 0".
inline constexpr scenario::CountBound k_none_allowed{scenario::CountBound::Op::k_le, 0};

// Whether `count` satisfies `bound`.
bool holds(const scenario::CountBound& bound, std::int64_t count);
// "at most 0", "fewer than 10", "exactly 3", "at least 1", "more than 0".
std::string expectation(const scenario::CountBound& bound);

// Reads both files (at once, on two threads), analyses, writes the report to `report_path` and returns the
// verdict. k_error when a file cannot be read or has a bad line (naming it), when the history has no load.publish
// event, or none of the check's `load:`.
Verdict judge_delivery(const DeliveryParams& check, const std::string& name, const std::string& classname,
                       const std::filesystem::path& history_path, const std::filesystem::path& ledger_path,
                       const std::filesystem::path& report_path);

// The verdict on an analysis (no files): what judge_delivery returns before writing the report, which the
// message names ("all ids in delivery.json").
Verdict delivery_verdict(const DeliveryParams& check, const std::string& name, const std::string& classname,
                         const DeliveryAnalysis& analysis, const DeliveryInput& input,
                         const std::string& report_name = "delivery.json");

}  // namespace harness::check
