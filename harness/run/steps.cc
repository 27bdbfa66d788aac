#include "harness/run/steps.h"

#include "harness/fault/fault_injector.h"
#include "harness/run/broker_sampler.h"
#include "harness/report/console_text.h"
#include "harness/run/exec.h"

namespace harness::run {

namespace {
using check::Outcome;
using check::Verdict;

const char* step_kind(const scenario::Step& step) {
  if (std::holds_alternative<scenario::WaitStep>(step.body)) return "wait";
  if (std::holds_alternative<scenario::ExecStep>(step.body)) return "exec";
  if (std::holds_alternative<scenario::LoadStep>(step.body)) return "load";
  return "fault";
}

std::string step_title(const scenario::Step& step, size_t index) {
  std::string title = "step " + std::to_string(index + 1);
  if (!step.name.empty()) title += " " + step.name;
  return title + " (" + step_kind(step) + ", line " + std::to_string(step.location.line) + ")";
}

std::string run_wait(const scenario::WaitStep& wait, size_t index, stack::Stack& stack, RunContext& ctx) {
  if (wait.duration) {
    if (!ctx.control.sleep_for(*wait.duration)) return ctx.control.stop_reason();
    return {};
  }
  std::string failure;
  if (wait.drained) {
    if (!ctx.ledger) return "no ledger service in this run (internal error: the loader adds one with a load)";
    failure = ctx.loads.wait_drained(*ctx.ledger, wait.timeout, ctx.control);
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

std::string run_exec_step(const scenario::ExecStep& exec, size_t index, stack::Stack& stack, RunContext& ctx) {
  auto event = run_exec("step " + std::to_string(index + 1), exec.command, exec.service, exec.timeout, stack,
                        ctx.history);
  if (!event) return event.error().message();
  if (event->data.contains("no_instance")) return event->data.value("no_instance", std::string{});
  if (exec.expect_exit) {
    const int code = event->data.value("exit_code", -1);
    if (event->data.value("timed_out", false)) return "command timed out: " + exec.command;
    if (code != *exec.expect_exit) {
      return "expected exit code " + std::to_string(*exec.expect_exit) + ", got " + std::to_string(code) +
             ": " + exec.command + "\n" + event->data.value("output", std::string{});
    }
  }
  return {};
}

// Runs one step; a non-empty string is why it failed.
std::string run_step(const scenario::Step& step, size_t index, stack::Stack& stack, RunContext& ctx,
                     ActiveFaults& faults) {
  if (const auto* f = std::get_if<scenario::FaultStep>(&step.body)) {
    auto clearer = fault::apply_fault(*f, stack, ctx.history);
    if (!clearer) return "fault '" + f->kind + "' could not be applied: " + clearer.error().message();
    faults.add(*clearer, step.for_, ctx.control);
    return {};
  }
  if (const auto* load = std::get_if<scenario::LoadStep>(&step.body)) {
    auto st = ctx.loads.start(*load, stack, ctx.history, ctx.report_dir);
    return st ? std::string{} : st.message();
  }
  if (const auto* wait = std::get_if<scenario::WaitStep>(&step.body)) return run_wait(*wait, index, stack, ctx);
  return run_exec_step(std::get<scenario::ExecStep>(step.body), index, stack, ctx);
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
// and the ledger is read to its end into ledger.jsonl, while the services still run, for the delivery checks.
void finish_loads(RunContext& ctx) {
  if (ctx.loads.empty()) return;
  ctx.loads.stop_all();
  if (!ctx.ledger) return;
  if (auto st = ctx.ledger->poll(); !st) {
    ctx.history.record(history::EventType::k_ledger_error, {}, {{"detail", st.message()}});
  } else {
    ctx.history.record(history::EventType::k_ledger_read, {},
                       {{"executions", ctx.ledger->executions()}, {"file", ctx.ledger->path().string()}});
  }
}
}  // namespace

StepsOutcome run_steps_phase(stack::Stack& stack, RunContext& ctx, ActiveFaults& faults,
                             std::vector<Verdict>& verdicts) {
  ctx.ledger = Ledger::for_stack(ctx.scenario, stack, ctx.report_dir / "ledger.jsonl");
  BrokerSampler sampler(stack, ctx.history, BrokerSampler::brokers_to_sample(ctx.scenario));
  const StepsOutcome steps = run_steps(stack, ctx, faults, verdicts);
  sampler.stop();
  finish_loads(ctx);
  return steps;
}

}  // namespace harness::run
