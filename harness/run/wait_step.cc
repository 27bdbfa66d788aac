// Runs a `wait` step (scenario/wait_step.cc reads it): a duration, the loads drained, N task executions, or services
// ready.
#include "harness/run/step_kind.h"

namespace harness::run {

namespace {

std::string run_wait(const scenario::Step& step, std::size_t index, stack::Stack& stack, RunContext& ctx,
                     ActiveFaults&) {
  const auto& wait = scenario::params_of<scenario::WaitStep>(step);
  if (wait.duration) {
    if (!ctx.control.sleep_for(*wait.duration)) return ctx.control.stop_reason();
    return {};
  }
  std::string failure;
  if (wait.drained || wait.executed) {
    if (!ctx.ledger) return "no ledger service in this run (internal error: the loader adds one with a load)";
    failure = wait.drained ? ctx.loads.wait_drained(*ctx.ledger, wait.timeout, ctx.control)
                           : wait_executions(*ctx.ledger, *wait.executed, wait.timeout, ctx.control);
  } else {
    // `healthy` waits for readiness until health checks exist (services without a health check count as
    // healthy once ready, as Compose's service_started).
    std::vector<std::string> names = wait.ready;
    names.insert(names.end(), wait.healthy.begin(), wait.healthy.end());
    auto st = stack.wait_ready(names, wait.timeout);
    if (!st) failure = st.message();
  }
  if (!failure.empty() && !wait.fail_on_timeout && !ctx.control.should_stop()) {
    ctx.history.record(history::EventType::k_wait_unmet, {}, {{"index", index + 1}, {"detail", failure}});
    return {};
  }
  return failure;
}

const bool k_registered = step_kinds().add({.name = "wait", .run = run_wait});

}  // namespace

}  // namespace harness::run
