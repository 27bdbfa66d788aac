#pragma once
// `health` check: judged only from the History (health.state and health.probe events), so a finished run can be
// re-judged from its files.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/kind_params.h"

namespace harness::check {

// `health`: judged from health.state events of the service's instances (Docker states).
//   {service, state: unhealthy, within: 25s}  some instance reaches `state` within `within` of the stack being ready
//   {service, never: unhealthy}               no instance is ever in that state
//   {service, always: healthy}                from the first time an instance is in that state, it stays there
struct HealthParams : scenario::KindParams {
  std::string service;
  std::string state;               // with `within`
  std::optional<std::chrono::milliseconds> within;
  std::string never;               // "healthy" | "unhealthy" | "starting"
  std::string always;
  // `after: fault`: judged from the first fault.start on (states before it do not count, `within` counts from
  // it); the default, `after: ready`, from stack.ready.
  bool after_fault = false;
};

Verdict judge_health(const HealthParams& spec, const std::string& name, const std::string& classname,
                     const std::vector<history::Event>& history);

}  // namespace harness::check
