#include "harness/run/judge_phase.h"

#include "harness/check/check_kind.h"
#include "harness/process/cancellation.h"
#include "harness/run/exec.h"
#include "harness/scenario/duration.h"
#include "harness/scenario/version_spec.h"

namespace harness::run {

namespace {
using check::Outcome;
using check::Verdict;

// A known-bad configuration kept as a regression guard (`expect: fail`): its failures are the expected result,
// shown as XFAIL with what failed; one more testcase fails when nothing failed. Applied only to a scenario that
// ran to its end: a stopped one, or one whose services did not start, proved nothing either way.
void apply_expectation(const scenario::Scenario& scenario, std::vector<Verdict>& verdicts) {
  if (scenario.expect != scenario::Expectation::k_fail) return;
  int failed = 0;
  for (auto& v : verdicts) {
    if (v.outcome == Outcome::k_failed) {
      ++failed;
      v.outcome = Outcome::k_xfailed;
    }
  }
  Verdict expectation{"expect: fail", scenario.name + ".expect", Outcome::k_passed, {}, {}, {}};
  if (failed == 0) {
    expectation.outcome = Outcome::k_failed;
    expectation.message = "expected at least one check to fail (expect: fail), but all " +
                          std::to_string(verdicts.size()) + " passed";
  } else {
    expectation.message = std::to_string(failed) + " check(s) failed, as expected";
  }
  verdicts.push_back(expectation);
}

// The verdict of a scenario cut short `where`: Ctrl-C/SIGTERM is an error ("interrupted by SIGINT at step 3
// (wait, line 12)"), since nothing was proved either way; its own `timeout:` is a failure (exit 1), naming the
// scenario, the timeout and the step.
Verdict stop_verdict(const scenario::Scenario& scenario, const std::string& where) {
  if (process::cancelled()) {
    return Verdict{"interrupted", scenario.name + ".interrupted", Outcome::k_error,
                   process::cancel_reason() + " " + where, {}, {}};
  }
  return Verdict{"scenario timeout", scenario.name + ".timeout", Outcome::k_failed,
                 "scenario '" + scenario.name + "' exceeded its timeout of " +
                     scenario::format_duration(scenario.timeout) + " " + where,
                 {}, {}};
}

// Every check without a verdict yet, as <skipped> with `reason`.
void skip_unjudged(const scenario::Scenario& scenario, const std::string& reason, std::vector<Verdict>& verdicts) {
  for (const auto& check : scenario.checks) {
    bool judged = false;
    for (const auto& v : verdicts) judged |= v.name == check.name;
    if (!judged) verdicts.push_back(Verdict{check.name, scenario.name + ".check", Outcome::k_skipped, reason, {}, {}});
  }
}
}  // namespace

std::string unmet_when(const std::map<std::string, std::string>& when,
                       const util::Expected<driver::Versions>& versions) {
  if (when.empty()) return {};
  std::string said;
  for (const auto& [component, spec] : when) said += (said.empty() ? "" : ", ") + component + ": \"" + spec + "\"";
  said = " (when: {" + said + "})";
  if (!versions) return "not judged: the stack's versions could not be read (" + versions.error().message() + ")" + said;
  for (const auto& [component, spec] : when) {
    std::string version;
    for (const auto& [name, value] : *versions)
      if (name == component) version = value;
    if (version.empty()) return "not judged: the stack has no " + component + said;
    if (!scenario::version_matches(version, spec))
      return "not on this stack: " + component + " " + version + " is not " + spec + said;
  }
  return {};
}

std::string judge_checks(stack::Stack& stack, RunContext& ctx, std::vector<Verdict>& verdicts) {
  // Every check kind judges through the registry (check/check_kind.h); a live kind gets the stack, a command
  // run in a service, and a sleep that ends when the run must stop.
  check::JudgeContext judging{.scenario = ctx.scenario.name,
                              .history = ctx.history,
                              .run_dir = ctx.report_dir,
                              .logs_dir = ctx.logs_dir,
                              .stack = &stack};
  judging.exec = [&](const std::string& id, const std::string& command, const std::string& service,
                     std::chrono::milliseconds timeout) {
    return run_exec(id, command, service, timeout, stack, ctx.history);
  };
  judging.sleep_for = [&](std::chrono::milliseconds duration) { return ctx.control.sleep_for(duration); };
  std::optional<util::Expected<driver::Versions>> versions;  // read when a check first has `when:`
  for (const auto& check : ctx.scenario.checks) {
    if (!check.when.empty()) {
      if (!versions) versions = ctx.options.driver->stack_versions();
      if (auto unmet = unmet_when(check.when, *versions); !unmet.empty()) {
        ctx.history.record(history::EventType::k_check_verdict, {},
                           {{"name", check.name}, {"outcome", "skipped"}, {"message", unmet}});
        verdicts.push_back(Verdict{check.name, ctx.scenario.name + ".check", Outcome::k_skipped, unmet, {}, {}});
        continue;
      }
    }
    Verdict v = check::judge(check, judging);
    if (ctx.control.should_stop()) return "while judging check '" + check.name + "'";
    ctx.history.record(history::EventType::k_check_verdict, {},
                       {{"name", v.name}, {"outcome", check::to_string(v.outcome)}, {"message", v.message}});
    verdicts.push_back(std::move(v));
  }
  return {};
}

ScenarioResult conclude(const scenario::Scenario& scenario, PhaseState& state) {
  std::optional<ScenarioResult> stopped;
  if (!state.stopped_at.empty()) {
    state.verdicts.push_back(stop_verdict(scenario, state.stopped_at));
    state.verdicts.back().details = state.stop_evidence;
    state.skip_reason = "not judged: " + state.verdicts.back().message;
    stopped = process::cancelled() ? ScenarioResult::k_cancelled : ScenarioResult::k_failed;
  } else if (state.error.empty() && !state.off_stack) {
    apply_expectation(scenario, state.verdicts);
  }
  if (!state.skip_reason.empty()) skip_unjudged(scenario, state.skip_reason, state.verdicts);
  if (stopped == ScenarioResult::k_cancelled) return *stopped;
  bool any_failed = false;
  bool any_error = !state.error.empty();
  for (const auto& v : state.verdicts) {
    any_failed |= v.outcome == Outcome::k_failed;
    any_error |= v.outcome == Outcome::k_error;
  }
  return any_error ? ScenarioResult::k_error : any_failed ? ScenarioResult::k_failed : ScenarioResult::k_passed;
}

}  // namespace harness::run
