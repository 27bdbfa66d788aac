#include "harness/run/runner.h"

#include <unistd.h>

#include <atomic>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include "harness/check/check_kind.h"
#include "harness/driver/driver.h"
#include "harness/fault/fault_injector.h"
#include "harness/process/child_process.h"
#include "harness/process/cancellation.h"
#include "harness/process/owner.h"
#include "harness/process/sweeper.h"
#include "harness/report/console_text.h"
#include "harness/report/summary.h"
#include "harness/run/active_faults.h"
#include "harness/run/exec.h"
#include "harness/run/broker_sampler.h"
#include "harness/history/history.h"
#include "harness/run/ledger.h"
#include "harness/run/load.h"
#include "harness/run/run_control.h"
#include "harness/stack/stack.h"
#include "harness/scenario/duration.h"
#include "harness/util/log_tail.h"
#include "harness/util/private_dir.h"

namespace harness::run {

namespace {
namespace fs = std::filesystem;
using check::Outcome;
using check::Verdict;

constexpr const char* k_version = "0.1.0";

struct Context {
  const scenario::Scenario& scenario;
  history::History& history;
  const RunControl& control;
  const RunOptions& options;
  fs::path report_dir;
  fs::path logs_dir;
  std::ostream& out;
  Loads loads;
  std::unique_ptr<Ledger> ledger;  // when the scenario has loads
};

std::ostream& null_stream() {
  static std::ostream s(nullptr);
  return s;
}

// The orchestrator's rules for each instance, from its scenario service.
std::map<std::string, stack::InstancePolicy> instance_policies(const scenario::Scenario& scenario, const stack::Stack& stack) {
  std::map<std::string, stack::InstancePolicy> policies;
  for (const auto& service : stack.services()) {
    const auto* spec = scenario.find_service(service->scenario_service());
    if (spec == nullptr) continue;
    stack::InstancePolicy policy;
    policy.restart = spec->restart;
    policy.restart_on_unhealthy = spec->restart_on_unhealthy;
    policy.healthcheck = spec->healthcheck;
    policy.backoff = health::Backoff::named(spec->backoff).value_or(health::Backoff::docker());
    // `backoff_scale` compresses minutes into seconds (the loader keeps it in (0, 1]; the history records the
    // delays really used).
    if (spec->backoff_scale != 1.0) policy.backoff = health::scaled(policy.backoff, spec->backoff_scale);
    policies[service->name()] = policy;
  }
  return policies;
}

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

// Runs one step; a non-empty string is why it failed.
std::string run_step(const scenario::Step& step, size_t index, stack::Stack& stack, Context& ctx, ActiveFaults& faults) {
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
  if (const auto* wait = std::get_if<scenario::WaitStep>(&step.body)) {
    if (wait->duration) {
      if (!ctx.control.sleep_for(*wait->duration)) return ctx.control.stop_reason();
      return {};
    }
    std::string failure;
    if (wait->drained) {
      if (!ctx.ledger) return "no ledger service in this run (internal error: the loader adds one with a load)";
      failure = ctx.loads.wait_drained(*ctx.ledger, wait->timeout, ctx.control);
    } else {
      // `healthy` waits for readiness until health checks exist (services without a health check count as
      // healthy once ready, as Compose's service_started).
      std::vector<std::string> names = wait->ready;
      names.insert(names.end(), wait->healthy.begin(), wait->healthy.end());
      auto st = stack.wait_ready(names, wait->timeout);
      if (!st) failure = st.message();
    }
    if (!failure.empty() && !wait->fail_on_timeout && !ctx.control.should_stop()) {
      ctx.history.record("wait.unmet", {}, {{"index", index + 1}, {"detail", failure}});
      return {};
    }
    return failure;
  }
  const auto& exec = std::get<scenario::ExecStep>(step.body);
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

// After the steps: loads still publishing are stopped (a scenario that wants them complete waits for `drained`),
// and the ledger is read to its end into ledger.jsonl, while the services still run, for the delivery checks.
void finish_loads(Context& ctx) {
  if (ctx.loads.empty()) return;
  ctx.loads.stop_all();
  if (!ctx.ledger) return;
  if (auto st = ctx.ledger->poll(); !st) {
    ctx.history.record("ledger.error", {}, {{"detail", st.message()}});
  } else {
    ctx.history.record("ledger.read", {}, {{"executions", ctx.ledger->executions()},
                                           {"file", ctx.ledger->path().string()}});
  }
}

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

// Where a scenario is, for the message of a stop: "at step 3 (wait, line 12)".
struct StepsOutcome {
  std::string where;        // where the steps ended: "at step N (...)" of the last one begun, or "after the steps"
  std::string failed_step;  // "step N (line L)" when a step failed (the later ones did not run)
};

// A failed step: its first line is the message, the rest (a command's output) the details.
Verdict step_failure(const scenario::Step& step, size_t index, const std::string& scenario_name,
                     const std::string& failure) {
  const auto newline = failure.find('\n');
  return Verdict{step_title(step, index), scenario_name + ".step", Outcome::k_failed, failure.substr(0, newline),
                 newline == std::string::npos ? std::string{} : failure.substr(newline + 1), {}};
}

// Runs the steps in order; a failed step ends them (later steps assume it worked) and is a failed testcase.
StepsOutcome run_steps(stack::Stack& stack, Context& ctx, ActiveFaults& faults, std::vector<Verdict>& verdicts) {
  const auto& steps = ctx.scenario.steps;
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto& step = steps[i];
    const std::string where = "at " + step_title(step, i);
    if (step.at && !ctx.control.sleep_until(ctx.control.started() + *step.at)) return {where, {}};
    if (ctx.control.should_stop()) return {where, {}};
    ctx.history.record("step.begin", {}, {{"index", i + 1}, {"line", step.location.line}});
    const std::string failure = run_step(step, i, stack, ctx, faults);
    ctx.history.record("step.end", {}, {{"index", i + 1}, {"ok", failure.empty()}, {"detail", failure}});
    if (ctx.control.should_stop()) return {where, {}};  // a step cut short by the stop did not fail
    if (!failure.empty()) {
      verdicts.push_back(step_failure(step, i, ctx.scenario.name, failure));
      ctx.out << "  FAIL  " << report::terminal_text(verdicts.back().name + ": " + verdicts.back().message) << "\n";
      return {where, "step " + std::to_string(i + 1) + " (line " + std::to_string(step.location.line) + ")"};
    }
  }
  return {"after the steps", {}};
}

// Judges every check in order. A stop while one is judged leaves it and the later ones unjudged (a check cut
// short proves nothing): returns where the stop found them, empty when every check was judged.
std::string judge_checks(stack::Stack& stack, Context& ctx, std::vector<Verdict>& verdicts) {
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
  for (const auto& check : ctx.scenario.checks) {
    Verdict v = check::judge(check, judging);
    if (ctx.control.should_stop()) return "while judging check '" + check.name + "'";
    ctx.history.record("check.verdict", {}, {{"name", v.name}, {"outcome", check::to_string(v.outcome)},
                                             {"message", v.message}});
    verdicts.push_back(std::move(v));
  }
  return {};
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

const char* outcome_label(Outcome o) {
  switch (o) {
    case Outcome::k_passed: return "PASS ";
    case Outcome::k_failed: return "FAIL ";
    case Outcome::k_error: return "ERROR";
    case Outcome::k_skipped: return "SKIP ";
    case Outcome::k_xfailed: return "XFAIL";
  }
  return "?";
}

constexpr size_t k_console_detail_lines = 10;

// Each line of `text`, escaped (report/console_text.h), indented under its verdict.
void print_indented(std::ostream& out, std::string_view text) {
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    out << "        " << report::terminal_text(rest.substr(0, newline)) << "\n";
    rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
  }
}

// One verdict on the console: a pass is one line; otherwise its message, and for a failure or an error the last
// lines of its details (a command's output, the last probe outputs), so that the reason is on the screen.
void print_verdict(std::ostream& out, const Verdict& v) {
  out << "  " << outcome_label(v.outcome) << " " << report::terminal_text(v.name) << "\n";
  if (v.outcome == Outcome::k_passed) return;
  print_indented(out, v.message);
  if (v.outcome != Outcome::k_skipped && !v.details.empty()) {
    print_indented(out, report::last_lines(v.details, k_console_detail_lines));
  }
}

const char* result_name(ScenarioResult result) {
  switch (result) {
    case ScenarioResult::k_passed: return "passed";
    case ScenarioResult::k_failed: return "failed";
    case ScenarioResult::k_error: return "error";
    case ScenarioResult::k_cancelled: return "cancelled";
  }
  return "?";
}

// The environment of every process of a run: its temporary files in the run's folder (billiard's pymp-*
// folders of a killed worker, anything a command leaves), and the harness's work base named outright, so a
// harness started by one of them (a command running celery-chaos) keeps the work base it would have had, not
// one under the run's temporary folder.
std::map<std::string, std::string> run_environment(const fs::path& work_base, const fs::path& work_dir) {
  const fs::path temp = work_dir / "tmp";
  std::error_code ec;
  fs::create_directory(temp, ec);
  fs::permissions(temp, fs::perms::owner_all, ec);
  return {{"TMPDIR", temp.string()}, {"TEMP", temp.string()}, {"TMP", temp.string()},
          {"CELERY_CHAOS_WORK_DIR", work_base.string()}};
}
}  // namespace

driver::RunPaths run_paths(const RunOptions& options, const std::string& run_id, const fs::path& report_dir) {
  driver::RunPaths paths;
  paths.work_dir = options.work_base / "runs" / run_id;
  paths.cache_dir = options.work_base / "cache";
  paths.logs_dir = report_dir / "logs";
  paths.run_id = run_id;
  std::error_code ec;
  fs::create_directories(paths.logs_dir, ec);
  // Under a work base that prepare_work_base() checked, no other user can have put anything here: a folder that
  // cannot be made is an I/O error, which the services then report ("cannot create ...").
  (void)util::make_private_dir(paths.work_dir, util::service_traverse_group());
  process::write_owner_record(paths.work_dir);  // so the next run's sweep removes it if this harness dies
  paths.environment = run_environment(options.work_base, paths.work_dir);
  return paths;
}

util::Status prepare_work_base(const fs::path& work_base) {
  for (const auto& dir : {work_base, work_base / "runs", work_base / "cache"}) {
    if (auto status = util::make_private_dir(dir, util::service_traverse_group()); !status) return status;
  }
  return util::Status::ok();
}

fs::path default_work_base() {
  if (const char* dir = std::getenv("CELERY_CHAOS_WORK_DIR"); dir && *dir) return dir;
  const char* tmp = std::getenv("TMPDIR");
  return fs::path(tmp && *tmp ? tmp : "/tmp") / ("celery-chaos-" + std::to_string(::geteuid()));
}

ScenarioOutcome run_scenario(const scenario::Scenario& scenario, const std::string& run_id, const fs::path& report_dir,
                             const RunOptions& options, std::unique_ptr<Prestart> prestart) {
  util::RealClock clock;
  std::ostream& out = options.out ? *options.out : null_stream();
  ScenarioOutcome outcome;
  auto& report = outcome.report;
  report.name = scenario.name;
  report.file = scenario.file;
  report.description = scenario.description;
  report.run_id = run_id;
  report.expectation = scenario.expect == scenario::Expectation::k_fail ? "fail" : "pass";
  report.started = clock.wall_now();
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  report.hostname = host;
  report.seed = scenario.seed_given ? scenario.seed : std::random_device{}();

  const driver::RunPaths paths = prestart ? prestart->paths() : run_paths(options, run_id, report_dir);
  const fs::path& logs_dir = paths.logs_dir;
  std::error_code ec;
  history::History history(clock, report_dir / "history.jsonl");
  if (auto st = history.open(); !st) {
    report.error = st.message();
    outcome.result = ScenarioResult::k_error;
    return outcome;
  }
  if (options.verbose) {
    history.set_observer([&out](const history::Event& e) {
      out << "  [" << std::fixed << std::setprecision(3) << e.t << std::defaultfloat << "] " << e.type;
      if (!e.service.empty()) out << " " << report::terminal_text(e.service);
      if (!e.data.empty()) {
        out << " " << report::terminal_text(e.data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      }
      out << "\n" << std::flush;
    });
  }
  process::OwnerMark::set_run_id(run_id, paths.environment);
  RunControl control(clock, scenario.timeout);
  Context ctx{scenario, history, control, options, report_dir, logs_dir, out, {}, nullptr};
  history.record("run.begin", {}, {{"scenario", scenario.name}, {"file", scenario.file}, {"run_id", run_id},
                                   {"seed", report.seed}, {"harness_version", k_version}});
  out << report::terminal_text(scenario.name + " (" + scenario.file + ")") << "\n";

  auto driver = driver::make_local_driver();
  report.properties.emplace_back("driver", driver->name());
  report.properties.emplace_back("version.celery-chaos", k_version);
  std::vector<Verdict> verdicts;
  std::string skip_reason;  // why the checks without a verdict were not judged
  std::string stopped_at;   // where a stop (Ctrl-C/SIGTERM, or the scenario's timeout) found the scenario
  std::string stop_evidence;  // what the boot was still waiting for when a stop found it there
  {
    std::optional<Prestart::Handover> handover;
    if (prestart) {
      handover = prestart->take();
      for (auto& note : handover->notes) {
        const std::string name = note.value("service", std::string{});
        note.erase("service");
        history.record("service.prestarted", name, std::move(note));
      }
    }
    auto services = handover ? util::Expected<std::vector<std::unique_ptr<driver::Service>>>(
                                   std::move(handover->services))
                             : driver->create_services(scenario, paths);
    if (!services) {
      report.error = services.error().message();
      outcome.result = ScenarioResult::k_error;
      skip_reason = "not judged: " + report.error;
    } else {
      stack::Stack stack(std::move(services.value()), history, control);
      stack.set_console(&out);
      // As in services' URLs and environment (the driver's table): commands and probes can use them too.
      stack.add_placeholders({{"run.dir", paths.work_dir.string()}, {"run.id", run_id}});
      stack.set_policies(instance_policies(scenario, stack));
      if (handover) stack.adopt_running(std::move(handover->running));
      ActiveFaults faults;
      out << "  booting " << stack.services().size() << " service(s)...\n" << std::flush;
      const auto boot_started = std::chrono::steady_clock::now();
      auto boot = stack.start_all(std::min<std::chrono::milliseconds>(options.boot_timeout, scenario.timeout));
      if (!boot && control.should_stop()) {
        stopped_at = "while booting";
        stop_evidence = boot.message();  // the services still waiting, their conditions and log tails
      } else if (!boot) {
        report.error = boot.message();
        skip_reason = "not judged: a service did not start";
        outcome.result = ScenarioResult::k_error;
        out << "  ERROR " << report::terminal_text(report.error) << "\n";
      } else {
        out << "  all ready in " << std::chrono::duration<double>(std::chrono::steady_clock::now() - boot_started).count()
            << " s\n" << std::flush;
        history.record("stack.ready", {}, {{"after_s", control.elapsed().count() / 1000.0}});
        if (options.on_ready) options.on_ready();
        ctx.ledger = Ledger::for_stack(scenario, stack, report_dir / "ledger.jsonl");
        BrokerSampler sampler(stack, history, BrokerSampler::brokers_to_sample(scenario));
        const StepsOutcome steps = run_steps(stack, ctx, faults, verdicts);
        sampler.stop();
        finish_loads(ctx);
        if (control.should_stop()) {
          stopped_at = steps.where;
        } else if (!steps.failed_step.empty()) {
          // The checks' premises (a fault applied, a load published) may not have happened: see the README.
          skip_reason = "not judged: " + steps.failed_step + " failed";
        } else {
          stopped_at = judge_checks(stack, ctx, verdicts);
        }
      }
      // Versions, while the services still know them.
      std::map<std::string, std::string> versions;
      for (const auto& s : stack.services()) {
        const std::string kind = s->kind() == "celery-worker" ? "celery" : s->kind();
        if (!s->version().empty()) versions.emplace("version." + kind, s->version());
      }
      for (const auto& [k, v] : versions) report.properties.emplace_back(k, v);
      for (const auto& s : stack.services()) {
        report.logs.push_back({s->name(), s->log_path(), util::tail_file(s->log_path(), 40)});
      }
      faults.clear_all();
      stack.stop_all();
    }
  }
  // Anything of this run that escaped its process group (epmd, erl_child_setup) goes too.
  const auto swept = process::kill_run(run_id);
  history.record("run.cleanup", {}, {{"swept_pids", swept.killed}});
  if (!options.keep) {
    fs::remove_all(paths.work_dir, ec);
  } else {
    process::remove_owner_record(paths.work_dir);  // kept on purpose: no sweep removes it
  }

  if (!stopped_at.empty()) {
    verdicts.push_back(stop_verdict(scenario, stopped_at));
    verdicts.back().details = stop_evidence;
    skip_reason = "not judged: " + verdicts.back().message;
    outcome.result = process::cancelled() ? ScenarioResult::k_cancelled : ScenarioResult::k_failed;
  } else if (report.error.empty()) {
    apply_expectation(scenario, verdicts);
  }
  if (!skip_reason.empty()) skip_unjudged(scenario, skip_reason, verdicts);
  bool any_failed = false;
  bool any_error = !report.error.empty();
  for (const auto& v : verdicts) {
    any_failed |= v.outcome == Outcome::k_failed;
    any_error |= v.outcome == Outcome::k_error;
    print_verdict(out, v);
  }
  if (outcome.result != ScenarioResult::k_cancelled) {
    outcome.result = any_error ? ScenarioResult::k_error
                     : any_failed ? ScenarioResult::k_failed
                                  : ScenarioResult::k_passed;
  }
  report.verdicts = std::move(verdicts);
  report.duration = control.elapsed();
  history.record("run.end", {}, {{"result", result_name(outcome.result)},
                                 {"duration_s", report.duration.count() / 1000.0}});
  // The scenario's own summary.json; the run's junit.xml and summary.json (written by the caller) say the same, so
  // a failure here is told, not fatal.
  if (auto written = report::write_summary({report}, report_dir / "summary.json"); !written)
    out << "  warning: " << written.message() << "\n";
  out << scenario.name << ": "
      << (outcome.result == ScenarioResult::k_passed ? "passed" : outcome.result == ScenarioResult::k_failed ? "FAILED"
          : outcome.result == ScenarioResult::k_error ? "ERROR" : "CANCELLED")
      << " in " << report.duration.count() / 1000.0 << " s\n" << std::flush;
  return outcome;
}

report::ScenarioReport not_started_report(const scenario::Scenario& scenario, const std::string& run_id,
                                          const std::string& reason) {
  report::ScenarioReport report;
  report.name = scenario.name;
  report.file = scenario.file;
  report.description = scenario.description;
  report.run_id = run_id;
  report.expectation = scenario.expect == scenario::Expectation::k_fail ? "fail" : "pass";
  report.started = std::chrono::system_clock::now();
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  report.hostname = host;
  report.seed = scenario.seed_given ? scenario.seed : 0;
  report.not_run = reason;
  for (const auto& check : scenario.checks) {
    report.verdicts.push_back(Verdict{check.name, scenario.name + ".check", Outcome::k_skipped, reason, {}, {}});
  }
  // A scenario without checks still shows in the report.
  if (report.verdicts.empty()) {
    report.verdicts.push_back(Verdict{"scenario", scenario.name + ".scenario", Outcome::k_skipped, reason, {}, {}});
  }
  return report;
}

}  // namespace harness::run
