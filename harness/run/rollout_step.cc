// Runs a `rollout` step (scenario/rollout_step.cc reads it): each instance of the service rolled out by its engine
// (driver::Service::roll_out), one after another, each recorded as rollout.begin {order, image, env, command} and
// rollout.end {order, old_task, new_task, old_stopped_at, new_started_at, new_running_at (run seconds), overlap_s
// (> 0: old and new ran side by side that long; < 0: the gap with neither), duration_s}.
#include <cmath>

#include "harness/driver/placeholders.h"
#include "harness/process/child_process.h"
#include "harness/run/step_kind.h"

namespace harness::run {

namespace {

double epoch_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double rounded(double seconds) { return std::round(seconds * 1000) / 1000; }

// The run's clock at one moment: the History's t and the epoch then, to put an engine's times in run seconds.
struct ClockPair {
  double t = 0;
  double epoch_s = 0;
  nlohmann::json run_seconds(double engine_epoch_s) const {
    if (engine_epoch_s <= 0) return nullptr;  // unknown
    return rounded(t + (engine_epoch_s - epoch_s));
  }
};

nlohmann::json outcome_data(const driver::RolloutOutcome& outcome, const ClockPair& clock) {
  nlohmann::json data = {{"order", outcome.order},
                         {"old_task", outcome.old_task},
                         {"new_task", outcome.new_task},
                         {"old_stopped_at", clock.run_seconds(outcome.old_stopped_s)},
                         {"new_started_at", clock.run_seconds(outcome.new_started_s)},
                         {"new_running_at", clock.run_seconds(outcome.new_running_s)}};
  if (outcome.old_stopped_s > 0 && outcome.new_started_s > 0) data["overlap_s"] = rounded(outcome.overlap_s());
  return data;
}

util::Expected<driver::RolloutChange> change_of(const scenario::RolloutStep& rollout, const stack::Stack& stack,
                                                const std::string& instance) {
  driver::RolloutChange change{rollout.image, rollout.env, std::nullopt};
  if (rollout.command) {
    auto expanded = driver::expand_placeholders(*rollout.command, stack.placeholders_for(instance));
    if (!expanded) return expanded.error();
    change.command = process::shell(*expanded);
  }
  return change;
}

std::string run_rollout(const scenario::Step& step, std::size_t, stack::Stack& stack, RunContext& ctx,
                        ActiveFaults&) {
  const auto& rollout = scenario::params_of<scenario::RolloutStep>(step);
  const auto instances = stack.instances(rollout.service);
  if (instances.empty()) return "rollout of unknown service '" + rollout.service + "'";
  for (driver::Service* instance : instances) {
    if (ctx.control.should_stop()) return ctx.control.stop_reason();
    auto change = change_of(rollout, stack, instance->name());
    if (!change) return change.error().message();
    nlohmann::json begin = {{"env", rollout.env}};
    if (rollout.image) begin["image"] = *rollout.image;
    if (rollout.command) begin["command"] = *rollout.command;
    const auto begun = ctx.history.record(history::EventType::k_rollout_begin, instance->name(), begin);
    const ClockPair clock{begun.t, epoch_now()};
    const auto started = std::chrono::steady_clock::now();
    auto outcome = instance->roll_out(*change, rollout.timeout);
    const double took = rounded(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (!outcome) {
      ctx.history.record(history::EventType::k_rollout_end, instance->name(),
                         {{"error", outcome.error().message()}, {"duration_s", took}});
      return outcome.error().message();
    }
    auto data = outcome_data(*outcome, clock);
    data["duration_s"] = took;
    ctx.history.record(history::EventType::k_rollout_end, instance->name(), std::move(data));
  }
  return {};
}

const bool k_registered = step_kinds().add({.name = "rollout", .run = run_rollout});

}  // namespace

}  // namespace harness::run
