#pragma once
// `rollout` check: how a service's rollout went, judged only from the History (rollout.end events, run/rollout_step.cc),
// so a finished run can be re-judged from its files. Each instance's rollout must have completed; `overlap` bounds
// how long its old and new tasks ran side by side (what a start-first update, a Kubernetes RollingUpdate, does),
// `gap` how long neither ran (stop-first, Recreate).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/kind_params.h"
#include "harness/scenario/model.h"

namespace harness::check {

// ">=1s", "<500ms", "<=2s", ">0s": a bound on a duration.
struct DurationBound {
  enum class Op { k_lt, k_le, k_gt, k_ge };
  Op op = Op::k_ge;
  scenario::Millis value{0};
};
// nullopt when `text` is not an operator (<, <=, >, >=) followed by a duration.
std::optional<DurationBound> parse_duration_bound(std::string_view text);
bool holds(const DurationBound& bound, double seconds);
std::string format_bound(const DurationBound& bound);  // ">= 1s"

struct RolloutParams : scenario::KindParams {
  std::string service;
  std::optional<DurationBound> overlap;  // old and new both running
  std::optional<DurationBound> gap;      // neither running
};

Verdict judge_rollout(const RolloutParams& spec, const std::string& name, const std::string& classname,
                      const std::vector<history::Event>& history);

}  // namespace harness::check
