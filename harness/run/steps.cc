#include "harness/run/steps.h"

#include <algorithm>

#include "harness/report/console_text.h"
#include "harness/run/broker_sampler.h"
#include "harness/run/monitor_follower.h"
#include "harness/run/step_kind.h"

namespace harness::run {

namespace {
using check::Outcome;
using check::Verdict;

std::string step_title(const scenario::Step& step, size_t index) {
  std::string title = "step " + std::to_string(index + 1);
  if (!step.name.empty()) title += " " + step.name;
  return title + " (" + step.kind + ", line " + std::to_string(step.location.line) + ")";
}

// Runs one step through its registered kind; a non-empty string is why it failed.
std::string run_step(const scenario::Step& step, size_t index, stack::Stack& stack, RunContext& ctx,
                     ActiveFaults& faults) {
  const StepKind* kind = step_kinds().find(step.kind);
  if (!kind) return "step kind '" + step.kind + "' cannot run (internal error: no run registered for it)";
  return kind->run(step, index, stack, ctx, faults);
}

// A failed step: its first line is the message, the rest (a command's output) the details.
Verdict step_failure(const scenario::Step& step, size_t index, const std::string& scenario_name,
                     const std::string& failure) {
  const auto newline = failure.find('\n');
  return Verdict{step_title(step, index), scenario_name + ".step", Outcome::k_failed, failure.substr(0, newline),
                 newline == std::string::npos ? std::string{} : failure.substr(newline + 1), {}};
}

// Runs the steps in order; a failed step ends them (later steps assume it worked) and is a failed testcase.
StepsOutcome run_steps(stack::Stack& stack, RunContext& ctx, ActiveFaults& faults, std::vector<Verdict>& verdicts) {
  const auto& steps = ctx.scenario.steps;
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto& step = steps[i];
    const std::string where = "at " + step_title(step, i);
    if (step.at && !ctx.control.sleep_until(ctx.control.started() + *step.at)) return {where, {}};
    if (ctx.control.should_stop()) return {where, {}};
    ctx.history.record(history::EventType::k_step_begin, {},
                       {{"index", i + 1}, {"line", step.location.line}, {"title", step_title(step, i)}});
    const std::string failure = run_step(step, i, stack, ctx, faults);
    ctx.history.record(history::EventType::k_step_end, {},
                       {{"index", i + 1}, {"ok", failure.empty()}, {"detail", failure}});
    if (ctx.control.should_stop()) return {where, {}};  // a step cut short by the stop did not fail
    if (!failure.empty()) {
      verdicts.push_back(step_failure(step, i, ctx.scenario.name, failure));
      ctx.out << "  FAIL  " << report::terminal_text(verdicts.back().name + ": " + verdicts.back().message) << "\n";
      return {where, "step " + std::to_string(i + 1) + " (line " + std::to_string(step.location.line) + ")"};
    }
  }
  return {"after the steps", {}};
}

// After the steps: loads still publishing are stopped (a scenario that wants them complete waits for `drained`),
// and the ledger is read to its end into ledger.jsonl, while the services still run, for the delivery checks; so
// are the celery-beat services' sends, into beat-sent.jsonl and beat.sent events.
void finish_loads(RunContext& ctx, const stack::Stack& stack) {
  if (!ctx.loads.empty()) ctx.loads.stop_all();
  if (!ctx.ledger) return;
  if (auto st = ctx.ledger->poll(); !st) {
    ctx.history.record(history::EventType::k_ledger_error, {}, {{"detail", st.message()}});
  } else {
    ctx.history.record(history::EventType::k_ledger_read, {},
                       {{"executions", ctx.ledger->executions()}, {"file", ctx.ledger->path().string()}});
  }
  const bool beats = std::any_of(ctx.scenario.services.begin(), ctx.scenario.services.end(), [](const auto& s) {
    return s.kind == scenario::ServiceKind::k_celery_beat;
  });
  if (!beats) return;
  auto sends = Ledger::for_stack(ctx.scenario, stack, ctx.report_dir / "beat-sent.jsonl", Ledger::k_beat_sent_key);
  if (!sends) return;
  if (auto st = record_beat_sends(*sends, ctx.history); !st)
    ctx.history.record(history::EventType::k_ledger_error, {}, {{"detail", st.message()}});
}
}  // namespace

StepsOutcome run_steps_phase(stack::Stack& stack, RunContext& ctx, ActiveFaults& faults,
                             std::vector<Verdict>& verdicts) {
  ctx.ledger = Ledger::for_stack(ctx.scenario, stack, ctx.report_dir / "ledger.jsonl");
  BrokerSampler sampler(stack, ctx.history, BrokerSampler::brokers_to_sample(ctx.scenario));
  MonitorFollowers monitors(stack, ctx.history);  // what the celery-monitor services see, into the History
  const StepsOutcome steps = run_steps(stack, ctx, faults, verdicts);
  sampler.stop();
  monitors.stop();
  finish_loads(ctx, stack);
  return steps;
}

}  // namespace harness::run
