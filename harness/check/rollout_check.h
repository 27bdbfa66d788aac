#pragma once
// `rollout` check: how a service's rollout went, judged only from the History (rollout.end events, run/rollout_step.cc),
// so a finished run can be re-judged from its files. Each instance's rollout must have completed; `overlap` bounds
// how long its old and new tasks ran side by side (what a start-first update, a Kubernetes RollingUpdate, does),
// `gap` how long neither ran (stop-first, Recreate).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/check/duration_bound.h"
#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/kind_params.h"
#include "harness/scenario/model.h"

namespace harness::check {

struct RolloutParams : scenario::KindParams {
  std::string service;
  std::optional<DurationBound> overlap;  // old and new both running
  std::optional<DurationBound> gap;      // neither running
};

Verdict judge_rollout(const RolloutParams& spec, const std::string& name, const std::string& classname,
                      const std::vector<history::Event>& history);

}  // namespace harness::check
