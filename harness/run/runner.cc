#include "harness/run/runner.h"

#include <unistd.h>

#include <atomic>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include "harness/check/broker_checks.h"
#include "harness/check/delivery_check.h"
#include "harness/check/exec_check.h"
#include "harness/check/log_check.h"
#include "harness/check/orchestration_checks.h"
#include "harness/driver/driver.h"
#include "harness/fault/fault_injector.h"
#include "harness/process/child_process.h"
#include "harness/process/cancellation.h"
#include "harness/process/sweeper.h"
#include "harness/report/summary.h"
#include "harness/run/exec.h"
#include "harness/run/broker_sampler.h"
#include "harness/run/history.h"
#include "harness/run/ledger.h"
#include "harness/run/load.h"
#include "harness/run/run_control.h"
#include "harness/run/stack.h"
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
  History& history;
  const RunControl& control;
  const RunOptions& options;
  fs::path report_dir;
  fs::path logs_dir;
  std::ostream& out;
  Loads loads;
  std::unique_ptr<Ledger> ledger;  // when the scenario has loads
  int delivery_reports = 0;        // delivery checks judged so far
};

std::ostream& null_stream() {
  static std::ostream s(nullptr);
  return s;
}

// The orchestrator's rules for each instance, from its scenario service.
std::map<std::string, InstancePolicy> instance_policies(const scenario::Scenario& scenario, const Stack& stack) {
  std::map<std::string, InstancePolicy> policies;
  for (const auto& service : stack.services()) {
    const auto* spec = scenario.find_service(service->scenario_service());
    if (spec == nullptr) continue;
    InstancePolicy policy;
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

// Faults applied with a `for:`: cleared by their timer, or at teardown at the latest.
class ActiveFaults {
public:
  ~ActiveFaults() { clear_all(); }
  void add(std::shared_ptr<fault::Clearer> clearer, std::optional<std::chrono::milliseconds> duration,
           const RunControl& control) {
    std::lock_guard lock(m_mutex);
    m_clearers.push_back(clearer);
    if (duration) {
      m_timers.emplace_back([clearer, duration, &control, this] {
        const auto due = std::chrono::steady_clock::now() + *duration;
        while (!m_closing && std::chrono::steady_clock::now() < due) {
          if (!control.sleep_for(std::chrono::milliseconds{20})) break;
        }
        std::lock_guard lock(m_mutex);
        (*clearer)();
      });
    }
  }
  // Clears every fault still applied (teardown): timers end at once.
  void clear_all() {
    m_closing = true;
    std::vector<std::thread> timers;
    {
      std::lock_guard lock(m_mutex);
      timers.swap(m_timers);
    }
    for (auto& t : timers) t.join();
    std::lock_guard lock(m_mutex);
    for (auto& c : m_clearers) (*c)();
    m_clearers.clear();
  }

private:
  std::mutex m_mutex;
  std::vector<std::shared_ptr<fault::Clearer>> m_clearers;
  std::vector<std::thread> m_timers;
  std::atomic<bool> m_closing{false};
};

// Runs one step; a non-empty string is why it failed.
std::string run_step(const scenario::Step& step, size_t index, Stack& stack, Context& ctx, ActiveFaults& faults) {
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

Verdict judge(const scenario::Check& check, Stack& stack, Context& ctx) {
  static const char* const k_kinds[] = {"log",      "exec",  "health",      "restarts",
                                       "exit",     "delivery", "queue", "connections"};
  const std::string classname = ctx.scenario.name + "." + k_kinds[check.body.index()];
  const auto started = std::chrono::steady_clock::now();
  Verdict verdict;
  if (const auto* log = std::get_if<scenario::LogCheck>(&check.body)) {
    verdict = check::judge_log(*log, check.name, classname, ctx.logs_dir);
  } else if (const auto* health = std::get_if<scenario::HealthCheckSpec>(&check.body)) {
    verdict = check::judge_health(*health, check.name, classname, ctx.history.events());
  } else if (const auto* restarts = std::get_if<scenario::RestartsCheck>(&check.body)) {
    verdict = check::judge_restarts(*restarts, check.name, classname, ctx.history.events());
  } else if (const auto* exit = std::get_if<scenario::ExitCheck>(&check.body)) {
    verdict = check::judge_exit(*exit, check.name, classname, ctx.history.events(), ctx.logs_dir);
  } else if (const auto* queue = std::get_if<scenario::QueueCheck>(&check.body)) {
    const auto samples = poll_queue_depth(
        stack, ctx.history, queue->broker, queue->name,
        [&](std::int64_t depth) { return check::holds(queue->depth, depth); },
        queue->within.value_or(std::chrono::milliseconds{0}), ctx.control);
    verdict = check::judge_queue(*queue, check.name, classname, samples);
  } else if (const auto* connections = std::get_if<scenario::ConnectionsCheck>(&check.body)) {
    verdict = check::judge_connections(*connections, check.name, classname, ctx.history.events());
  } else if (const auto* delivery = std::get_if<scenario::DeliveryCheck>(&check.body)) {
    // One report per delivery check: delivery.json, then delivery-2.json, ...
    const int n = ++ctx.delivery_reports;
    const std::string report = n == 1 ? "delivery.json" : "delivery-" + std::to_string(n) + ".json";
    verdict = check::judge_delivery(*delivery, check.name, classname, ctx.report_dir / "history.jsonl",
                                    ctx.report_dir / "ledger.jsonl", ctx.report_dir / report);
  } else {
    const auto& exec = std::get<scenario::ExecCheck>(check.body);
    auto event = run_exec("check " + check.name, exec.command, exec.service, exec.timeout, stack, ctx.history);
    if (!event) {
      verdict = Verdict{check.name, classname, Outcome::k_error, event.error().message(), {}, {}};
    } else {
      verdict = check::judge_exec(exec, check.name, classname, *event);
    }
  }
  verdict.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return verdict;
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

void apply_expectation(const scenario::Scenario& scenario, std::vector<Verdict>& verdicts) {
  if (scenario.expect != scenario::Expectation::k_fail) return;
  // A known-bad configuration kept as a regression guard: its failures are the expected result.
  int failed = 0;
  for (auto& v : verdicts) {
    if (v.outcome == Outcome::k_failed) {
      ++failed;
      v.outcome = Outcome::k_passed;
      v.message = "failed as expected: " + v.message;
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

const char* outcome_label(Outcome o) {
  switch (o) {
    case Outcome::k_passed: return "PASS ";
    case Outcome::k_failed: return "FAIL ";
    case Outcome::k_error: return "ERROR";
    case Outcome::k_skipped: return "SKIP ";
  }
  return "?";
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
  History history(clock, report_dir / "history.jsonl");
  if (auto st = history.open(); !st) {
    report.error = st.message();
    outcome.result = ScenarioResult::k_error;
    return outcome;
  }
  if (options.verbose) {
    history.set_observer([&out](const Event& e) {
      out << "  [" << std::fixed << std::setprecision(3) << e.t << std::defaultfloat << "] " << e.type;
      if (!e.service.empty()) out << " " << e.service;
      if (!e.data.empty()) out << " " << e.data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      out << "\n" << std::flush;
    });
  }
  process::OwnerMark::set_run_id(run_id);
  RunControl control(clock, scenario.timeout);
  Context ctx{scenario, history, control, options, report_dir, logs_dir, out, {}, nullptr};
  history.record("run.begin", {}, {{"scenario", scenario.name}, {"file", scenario.file}, {"run_id", run_id},
                                   {"seed", report.seed}, {"harness_version", k_version}});
  out << scenario.name << " (" << scenario.file << ")\n";

  auto driver = driver::make_local_driver();
  report.properties.emplace_back("driver", driver->name());
  report.properties.emplace_back("version.celery-chaos", k_version);
  std::vector<Verdict> verdicts;
  std::string skip_reason;
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
      outcome.result = services.error().kind() == util::ErrorKind::k_invalid_input ? ScenarioResult::k_error
                                                                                    : ScenarioResult::k_error;
      skip_reason = "not judged: " + report.error;
    } else {
      Stack stack(std::move(services.value()), history, control);
      // As in services' URLs and environment (the driver's table): commands and probes can use them too.
      stack.add_placeholders({{"run.dir", paths.work_dir.string()}, {"run.id", run_id}});
      stack.set_policies(instance_policies(scenario, stack));
      if (handover) stack.adopt_running(std::move(handover->running));
      ActiveFaults faults;
      out << "  booting " << stack.services().size() << " service(s)...\n" << std::flush;
      const auto boot_started = std::chrono::steady_clock::now();
      auto boot = stack.start_all(std::min<std::chrono::milliseconds>(options.boot_timeout, scenario.timeout));
      if (!boot) {
        report.error = boot.message();
        skip_reason = "not judged: " + (boot.kind() == util::ErrorKind::k_cancelled ? control.stop_reason()
                                                                                     : "a service did not start");
        outcome.result = boot.kind() == util::ErrorKind::k_cancelled ? ScenarioResult::k_cancelled
                                                                     : ScenarioResult::k_error;
        out << "  ERROR " << report.error << "\n";
      } else {
        out << "  all ready in " << std::chrono::duration<double>(std::chrono::steady_clock::now() - boot_started).count()
            << " s\n" << std::flush;
        history.record("stack.ready", {}, {{"after_s", control.elapsed().count() / 1000.0}});
        if (options.on_ready) options.on_ready();
        ctx.ledger = Ledger::for_stack(scenario, stack, report_dir / "ledger.jsonl");
        BrokerSampler sampler(stack, history, BrokerSampler::brokers_to_sample(scenario));
        for (size_t i = 0; i < scenario.steps.size(); ++i) {
          const auto& step = scenario.steps[i];
          if (step.at && !control.sleep_until(control.started() + *step.at)) break;
          if (control.should_stop()) break;
          history.record("step.begin", {}, {{"index", i + 1}, {"line", step.location.line}});
          const std::string failure = run_step(step, i, stack, ctx, faults);
          history.record("step.end", {}, {{"index", i + 1}, {"ok", failure.empty()}, {"detail", failure}});
          if (!failure.empty() && !control.should_stop()) {
            verdicts.push_back(Verdict{step_title(step, i), scenario.name + ".step", Outcome::k_failed, failure,
                                       {}, {}});
            out << "  FAIL  " << step_title(step, i) << ": " << failure << "\n";
            break;  // later steps assume this one worked
          }
        }
        sampler.stop();
        finish_loads(ctx);
        if (control.should_stop()) {
          skip_reason = "not judged: " + control.stop_reason();
          outcome.result = process::cancelled() ? ScenarioResult::k_cancelled : ScenarioResult::k_failed;
          if (!process::cancelled()) {
            verdicts.push_back(Verdict{"scenario timeout", scenario.name + ".timeout", Outcome::k_failed,
                                       control.stop_reason(), {}, {}});
          }
        } else {
          for (const auto& check : scenario.checks) {
            Verdict v = judge(check, stack, ctx);
            history.record("check.verdict", {}, {{"name", v.name}, {"outcome", check::to_string(v.outcome)},
                                                 {"message", v.message}});
            verdicts.push_back(std::move(v));
          }
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
  if (!options.keep) fs::remove_all(paths.work_dir, ec);

  if (!skip_reason.empty()) {
    for (const auto& check : scenario.checks) {
      bool judged = false;
      for (const auto& v : verdicts) judged |= v.name == check.name;
      if (!judged) verdicts.push_back(Verdict{check.name, scenario.name + ".check", Outcome::k_skipped, skip_reason, {}, {}});
    }
  }
  apply_expectation(scenario, verdicts);
  bool any_failed = false;
  bool any_error = !report.error.empty();
  for (const auto& v : verdicts) {
    any_failed |= v.outcome == Outcome::k_failed;
    any_error |= v.outcome == Outcome::k_error;
    out << "  " << outcome_label(v.outcome) << " " << v.name;
    if (v.outcome != Outcome::k_passed) out << "\n        " << v.message;
    out << "\n";
  }
  if (outcome.result != ScenarioResult::k_cancelled) {
    outcome.result = any_error ? ScenarioResult::k_error
                     : any_failed ? ScenarioResult::k_failed
                                  : ScenarioResult::k_passed;
  }
  report.verdicts = std::move(verdicts);
  report.duration = control.elapsed();
  history.record("run.end", {}, {{"result", outcome.result == ScenarioResult::k_passed ? "passed"
                                             : outcome.result == ScenarioResult::k_failed ? "failed"
                                             : outcome.result == ScenarioResult::k_error ? "error"
                                                                                         : "cancelled"},
                                 {"duration_s", report.duration.count() / 1000.0}});
  report::write_summary({report}, report_dir / "summary.json");
  out << scenario.name << ": "
      << (outcome.result == ScenarioResult::k_passed ? "passed" : outcome.result == ScenarioResult::k_failed ? "FAILED"
          : outcome.result == ScenarioResult::k_error ? "ERROR" : "CANCELLED")
      << " in " << report.duration.count() / 1000.0 << " s\n" << std::flush;
  return outcome;
}

}  // namespace harness::run
