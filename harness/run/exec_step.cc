// Runs an `exec` step (scenario/exec_step.cc reads it): the command, recorded as exec.result; with `expect_exit`
// another exit code fails the step.
#include "harness/run/exec.h"
#include "harness/run/step_kind.h"

namespace harness::run {

namespace {

std::string run_exec_step(const scenario::Step& step, std::size_t index, stack::Stack& stack, RunContext& ctx,
                          ActiveFaults&) {
  const auto& exec = scenario::params_of<scenario::ExecStep>(step);
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

const bool k_registered = step_kinds().add({.name = "exec", .run = run_exec_step});

}  // namespace

}  // namespace harness::run
