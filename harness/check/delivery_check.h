#pragma once
// `delivery` check: did every accepted task run exactly once, how fast, and how soon after each fault was
// throughput back? Judged only from the run's files (a finished run can be re-judged):
//   history.jsonl  load.publish, fault.start and fault.end events
//   ledger.jsonl   the executions the probe tasks recorded
// See delivery_analysis.h for the definitions. Writes a report (`<scenario>/delivery.json`) with everything: counts, every
// lost / duplicated / phantom id with its details, latency percentiles, the throughput series and the recovery
// of each fault. The verdict's message lists the first 10 offending ids of each kind.
#include <cstdint>
#include <filesystem>
#include <string>

#include "harness/check/delivery_analysis.h"
#include "harness/check/verdict.h"
#include "harness/scenario/model.h"

namespace harness::check {

// An unset lost/duplicated/phantom bound: "<= 0".
inline constexpr scenario::CountBound k_none_allowed{scenario::CountBound::Op::k_le, 0};

// Whether `count` satisfies `bound`.
bool holds(const scenario::CountBound& bound, std::int64_t count);
// "at most 0", "fewer than 10", "exactly 3", "at least 1", "more than 0".
std::string expectation(const scenario::CountBound& bound);

// Reads both files (at once, on two threads), analyses, writes the report to `report_path` and returns the
// verdict. k_error when a file cannot be read or has a bad line (naming it), when the history has no load.publish
// event, or none of the check's `load:`.
Verdict judge_delivery(const scenario::DeliveryCheck& check, const std::string& name, const std::string& classname,
                       const std::filesystem::path& history_path, const std::filesystem::path& ledger_path,
                       const std::filesystem::path& report_path);

// The verdict on an analysis (no files): what judge_delivery returns before writing the report, which the
// message names ("all ids in delivery.json").
Verdict delivery_verdict(const scenario::DeliveryCheck& check, const std::string& name, const std::string& classname,
                         const DeliveryAnalysis& analysis, const DeliveryInput& input,
                         const std::string& report_name = "delivery.json");

}  // namespace harness::check
