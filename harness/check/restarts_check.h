#pragma once
// `restarts` check: judged only from the History (service.restarted events), so a finished run can be re-judged
// from its files.
#include <optional>
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/kind_params.h"

namespace harness::check {

// `restarts`: how many times the orchestrator restarted the service's instances (service.restarted events).
struct RestartsParams : scenario::KindParams {
  std::string service;
  std::optional<int> min;
  std::optional<int> max;
};

Verdict judge_restarts(const RestartsParams& spec, const std::string& name, const std::string& classname,
                       const std::vector<history::Event>& history);

}  // namespace harness::check
