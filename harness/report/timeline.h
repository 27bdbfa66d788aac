#pragma once
// A scenario run as a story on one time axis, built from its History (and its ledger): what report.html draws
// (report/html_timeline.h). Times are seconds since the run began (history::Event::t).
//
// Lanes, one per service instance ("broker", "worker.1"), in the order they first appear: spans of
//   starting   service.prestarted / service.starting / service.started / service.restarted, health.state starting
//   healthy    service.ready, health.state healthy
//   unhealthy  health.state unhealthy
//   paused     between a `pause` fault's fault.start and fault.end on the instance (or on its group: "worker")
//   stopped    service.stopped
//   exited     service.exited, service.killed, service.failed
// and the times of its restarts (service.restarted).
#include <optional>
#include <string>
#include <vector>

#include "harness/check/delivery_input.h"
#include "harness/history/event.h"

namespace harness::report {

struct LaneSpan {
  double start = 0, end = 0;
  std::string state;  // one of the states above
};

// A health probe's result, as the lane's details show it.
struct ProbeResult {
  double t = 0;
  std::string state;   // the probe's verdict: "healthy", "unhealthy", ...
  std::string output;
};

struct Lane {
  std::string service;
  std::vector<LaneSpan> spans;          // in time order, adjacent
  std::vector<double> restarts;
  std::vector<ProbeResult> probes;      // the last k_kept_probes
  static constexpr std::size_t k_kept_probes = 20;
};

// A fault from its fault.start to its fault.end; one that never ended (kill) lasts until the run's end when
// `ended` is false.
struct FaultSpan {
  double start = 0, end = 0;
  std::string kind, service;
  bool ended = false;
};

struct Mark {
  double t = 0;
  std::string label;  // "step 3 (line 21)", a step's title when step.begin has one
};

struct LoadSpan {
  double start = 0, end = 0;
  std::string name;
};

// What the ledger says per second of the run (index = whole seconds since the run began): executions started in
// that second, and the publish-to-start latency of those executions (the first execution of each published task).
struct PerSecond {
  std::vector<int> executions;
  std::vector<std::optional<double>> p50_ms, p99_ms;  // nullopt: no published task started in that second
};

// A check.verdict event: when the check was decided.
struct Decision {
  double t = 0;
  std::string name;
};

struct Timeline {
  double end = 0;                          // the last event's t (at least 1)
  std::optional<double> epoch_at_zero;     // wall-clock epoch seconds at t = 0, from the first event's time
  std::vector<Lane> lanes;
  std::vector<FaultSpan> faults;           // by start
  std::vector<Mark> steps;
  std::vector<LoadSpan> loads;
  std::vector<Decision> decisions;
  PerSecond per_second;
};

// The timeline of `events` (a history.jsonl read back, in file order). An open span ends at `end`.
Timeline build_timeline(const std::vector<history::Event>& events);

// Adds the per-second executions and latencies of `input` (read_history_into + read_ledger_into) to `timeline`.
// Nothing when the timeline has no epoch_at_zero.
void add_ledger(Timeline& timeline, const check::DeliveryInput& input);

// When the check named `name` was decided: its check.verdict's t; the timeline's end when there is none (a
// verdict given without judging: skipped, a scenario timeout).
double decided_at(const Timeline& timeline, const std::string& name);

}  // namespace harness::report
