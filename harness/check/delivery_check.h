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

#include "harness/check/beat_ticks.h"
#include "harness/check/delivery_analysis.h"
#include "harness/check/duration_bound.h"
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
  // The longest publish call of the load(s), whatever its outcome (load.publish took_ms): how long send_task held its
  // caller ("<3s": a publish timeout honoured; ">=8s": blocked through a disk alarm).
  std::optional<DurationBound> publish_took;
  // celery-beat ticks (check/beat_ticks.h), judged when either is set: a schedule entry executed more than once for
  // one tick, and a tick between the first and last observed with neither a send nor an execution. A check with
  // only these keys judges a scenario without loads.
  std::optional<scenario::CountBound> tick_duplicates;
  std::optional<scenario::CountBound> missed_ticks;

  bool judges_ticks() const { return tick_duplicates || missed_ticks; }
  bool judges_only_ticks() const {
    return judges_ticks() && load.empty() && !accepted && !lost && !duplicated && !phantom && !latency_p50 &&
           !latency_p95 && !latency_p99 && !latency_max && !recovery && !publish_took;
  }
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

// The failures of the tick bounds on `analysis` (beat_ticks.h), as the verdict's message lists them:
// "tick duplicates 2 of 5 ticks (expected at most 0): tick@1795842927.000 x2 (beat.1, beat.2), ..." and
// "missed ticks 1 of 5 ticks (expected at most 0): tick@1795842929.000"; empty when both hold.
std::vector<std::string> tick_failures(const DeliveryParams& check, const TickAnalysis& analysis);
// "5 ticks (10 sends, 10 executions), tick duplicates 5, missed ticks 0"
std::string tick_summary(const TickAnalysis& analysis);

// The verdict on an analysis (no files): what judge_delivery returns before writing the report, which the
// message names ("all ids in delivery.json").
Verdict delivery_verdict(const DeliveryParams& check, const std::string& name, const std::string& classname,
                         const DeliveryAnalysis& analysis, const DeliveryInput& input,
                         const std::string& report_name = "delivery.json");

}  // namespace harness::check
