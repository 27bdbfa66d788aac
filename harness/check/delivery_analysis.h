#pragma once
// The delivery check's arithmetic, pure: from a DeliveryInput to counts, offending ids, latencies, throughput
// and recovery per fault, by sorting both sides by task id and merging them (no map of strings anywhere).
// No files and no verdict here: delivery_check.h reads the files, judges the bounds and writes the report.
//
// Definitions:
//   covered ids    the ids published by the load under check (`load:`), or by every load when it is empty. An id
//                  published more than once counts once: accepted when any of its publishes was, and its publish
//                  (time, outcome, load) is the first accepted one, else the first one.
//   lost           covered, accepted, never executed
//   duplicated     covered, executed more than once
//   phantom        executed, never published by any load (`load:` does not narrow this), and a task some load
//                  publishes (DeliveryInput::counts_as_phantom: not a task an exec step sent)
//   executed_although_failed  covered, no publish accepted (failed or timed out), executed all the same: the
//                  broker had the message after all; not an error, but how a retried publish duplicates a task
//   latency        first start - publish time, in ms, of the covered accepted executed ids; nearest-rank
//                  percentiles (the smallest value with at least p% of the values at or below it)
//   throughput     executions of covered ids (duplicates too) per second by start, 1 s buckets from the first
//                  covered publish (an execution before it counts in the first bucket)
//   recovery       per fault, see Recovery
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/check/delivery_input.h"

namespace harness::check {

// An id in one of the lists, with its executions: DeliveryAnalysis::executions[first, first + count).
struct Offender {
  Publish publish;               // the id's publish; for a phantom only publish.id is meaningful
  std::uint32_t first = 0;
  std::uint32_t count = 0;
};

struct LatencySummary {
  std::size_t count = 0;         // ids measured; the values below are 0 when there are none
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// How a fault's throughput came back. R = executions per second over [start - 5 s, start), the window clipped to
// begin at the first publish; R == 0 means no recovery can be told. Recovered at = the first t >= end, in 100 ms
// steps, with executions in [t, t + 1 s) >= 0.9 R (throughput back); or, when earlier, the time the ids accepted
// before the end had all started (the backlog done: a load that ended during the fault recovers once its backlog
// is done), never before the end. A backlog done before the end counts only when no task was accepted from the end
// on: while the load goes on, only what runs after the fault shows recovery.
struct Recovery {
  enum class State {
    k_recovered,
    k_not_recovered,
    k_no_baseline,  // R == 0: "n/a (no throughput before the fault)"
  };
  FaultWindow fault;
  State state = State::k_no_baseline;
  double baseline_per_s = 0;     // R
  double recovered_at = 0;       // epoch seconds, when k_recovered
  double recovery_ms = 0;        // recovered_at - fault.end, when k_recovered
  bool by_backlog = false;       // recovered because the backlog was done (not by throughput)
};

struct DeliveryAnalysis {
  std::string load;              // the load under check; "" = every load
  std::size_t published = 0;     // covered ids
  std::size_t accepted = 0;
  std::size_t executed = 0;      // covered ids executed at least once
  std::size_t executions = 0;    // executions of covered ids
  std::size_t ledger_executions = 0;  // every execution in the ledger (phantoms and other loads' too)
  double first_publish = 0;      // epoch seconds of the first covered publish (when published > 0)

  std::vector<Publish> lost;                          // by publish time
  std::vector<Offender> duplicated;                   // by first start
  std::vector<Offender> phantom;                      // by first start
  std::vector<Offender> executed_although_failed;     // by publish time
  std::vector<Execution> executions_of_offenders;     // by id, then start: what the Offenders index

  LatencySummary latency;
  LongestPublish longest_publish;                     // of the covered loads' publish calls (took_ms)
  std::vector<std::uint32_t> throughput;              // executions per second, from first_publish
  std::vector<Recovery> recoveries;                   // one per fault, by start
};

// Analyses `input` for `load` ("" = every load). Sorts input.publishes and input.executions in place (by id, unless
// they already are) and merges repeated publishes of one id, so the input keeps its names but not its file order.
DeliveryAnalysis analyse_delivery(DeliveryInput& input, std::string_view load);

// By id, then time: the order analyse_delivery needs (a reader may sort each side on its own thread first).
void sort_by_id(std::vector<Publish>& publishes);
void sort_by_id(std::vector<Execution>& executions);

// The nearest-rank percentile `p` (0 < p <= 100) of `sorted` (ascending, not empty).
double percentile(const std::vector<double>& sorted, double p);

}  // namespace harness::check
