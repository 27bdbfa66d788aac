#pragma once
// `monitor` check: what a celery-monitor service saw of a worker's status, as Flower shows it, judged only from the
// History (monitor.status and monitor.worker events: run/monitor_follower.h), so a finished run can be re-judged.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/kind_params.h"

namespace harness::check {

// `monitor`: a celery-worker service (or one instance, `worker.1`) that a celery-monitor watches.
//   {service, offline: true, within: 10s}  an instance is seen offline (its heartbeats expired, or it said so)
//                                          within `within` of the first fault on the service or one of its instances
//   {service, offline: true}               an instance is seen offline at some time
//   {service, offline: false}              no instance is ever seen offline
struct MonitorParams : scenario::KindParams {
  std::string service;
  bool offline = true;
  std::optional<std::chrono::milliseconds> within;  // only with offline: true
};

Verdict judge_monitor(const MonitorParams& spec, const std::string& name, const std::string& classname,
                      const std::vector<history::Event>& history);

}  // namespace harness::check
