#pragma once
// `stuck` check: tasks a celery-monitor saw stay in one state (started, as Flower's task list shows it) longer than
// a bound, judged only from the History (monitor.task events: run/monitor_follower.h), so a finished run can be
// re-judged.
#include <chrono>
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/kind_params.h"
#include "harness/scenario/model.h"

namespace harness::check {

// `stuck: {state: started, longer_than: 30s, service, count}`. A task is in a state from the monitor's event of
// that state until its next event of another state (a task-sent seen after it does not count), or, with none, until
// the monitor's last event of the run ("still started"). It is stuck when that lasted longer than `longer_than`.
// `count` bounds how many tasks were stuck (default: at least one); `service` counts only the tasks of that worker
// service or instance.
struct StuckParams : scenario::KindParams {
  std::string state = "started";          // received | started
  std::chrono::milliseconds longer_than{0};
  std::string service;                    // optional
  scenario::CountBound count{scenario::CountBound::Op::k_ge, 1};
};

Verdict judge_stuck(const StuckParams& spec, const std::string& name, const std::string& classname,
                    const std::vector<history::Event>& history);

}  // namespace harness::check
