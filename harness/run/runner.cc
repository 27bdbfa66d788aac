#include "harness/run/runner.h"

#include <unistd.h>

#include <ostream>

#include "harness/driver/client_routing.h"
#include "harness/history/net_events.h"
#include "harness/net/network.h"
#include "harness/process/cancellation.h"
#include "harness/process/owner.h"
#include "harness/report/console_progress.h"
#include "harness/report/console_report.h"
#include "harness/report/console_text.h"
#include "harness/report/summary.h"
#include "harness/run/boot.h"
#include "harness/run/judge_phase.h"
#include "harness/run/run_context.h"
#include "harness/run/steps.h"
#include "harness/run/teardown.h"
#include "harness/scenario/network.h"
#include "harness/util/private_dir.h"

namespace harness::run {

namespace {
namespace fs = std::filesystem;

constexpr const char* k_version = "0.1.0";

std::ostream& null_stream() {
  static std::ostream s(nullptr);
  return s;
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

// As the console's closing line says it.
const char* result_label(ScenarioResult result) {
  switch (result) {
    case ScenarioResult::k_passed: return "passed";
    case ScenarioResult::k_failed: return "FAILED";
    case ScenarioResult::k_error: return "ERROR";
    case ScenarioResult::k_cancelled: return "CANCELLED";
  }
  return "?";
}

// The report's header: the scenario, the run, the host, when.
report::ScenarioReport report_header(const scenario::Scenario& scenario, const std::string& run_id,
                                     std::chrono::system_clock::time_point started) {
  report::ScenarioReport report;
  report.name = scenario.name;
  report.file = scenario.file;
  report.description = scenario.description;
  report.run_id = run_id;
  report.expectation = scenario.expect == scenario::Expectation::k_fail ? "fail" : "pass";
  report.started = started;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  report.hostname = host;
  return report;
}

// The run's seed and where it came from: `--seed`, the scenario's `seed:`, or chosen now.
std::pair<std::uint64_t, const char*> run_seed(const scenario::Scenario& scenario, const RunOptions& options) {
  if (options.seed && *options.seed != 0) return {*options.seed, "--seed"};
  if (scenario.seed_given) return {scenario.seed, "scenario"};
  return {choose_seed(), "chosen"};
}

// Boot, steps and judging, with the services of the run; then, while they still run, what the report needs
// from them; then they are stopped. Faults still active are cleared before.
void run_services(driver::Driver& driver, const driver::RunPaths& paths, Prestart* prestart, RunContext& ctx,
                  const util::Clock& clock, PhaseState& state, report::ScenarioReport& report) {
  // The fault proxy, when a service is proxied: it outlives the Stack, so the clients are stopped before their
  // proxies close (its connections recorded as net.connect/net.close).
  std::unique_ptr<net::Network> network;
  std::unique_ptr<driver::ClientRouting> routing;
  driver::RunPaths routed_paths = paths;
  if (auto proxied = scenario::proxied_services(ctx.scenario); !proxied.empty()) {
    network = std::make_unique<net::Network>(history::connection_recorder(ctx.history));
    routing = std::make_unique<driver::ClientRouting>(*network, std::move(proxied));
    routed_paths.routing = routing.get();
  }
  auto created = create_services(driver, routed_paths, prestart, ctx);
  if (!created) {
    state.error = created.error().message();
    state.skip_reason = "not judged: " + state.error;
    return;
  }
  stack::Stack stack(std::move(created->services), ctx.history, ctx.control, clock);
  configure_stack(stack, paths, std::move(created->running), ctx);
  if (routing) stack.set_network(network.get(), routing->overrides());
  ActiveFaults faults;
  if (boot(stack, ctx, state)) {
    const StepsOutcome steps = run_steps_phase(stack, ctx, faults, state.verdicts);
    if (ctx.control.should_stop()) {
      state.stopped_at = steps.where;
    } else if (!steps.failed_step.empty()) {
      // The checks' premises (a fault applied, a load published) may not have happened: see the README.
      state.skip_reason = "not judged: " + steps.failed_step + " failed";
    } else {
      state.stopped_at = judge_checks(stack, ctx, state.verdicts);
    }
  }
  record_services(stack, report);  // versions, while the services still know them; log tails
  faults.clear_all();
  stack.stop_all();
}

// The testcase that shows a scenario without checks that did not run, skipped with `why`.
check::Verdict scenario_skipped(const scenario::Scenario& scenario, const std::string& why) {
  return check::Verdict{"scenario", scenario.name + ".scenario", check::Outcome::k_skipped, why, {}, {}};
}

// The scenario's `when:` excludes the stack: each check is skipped with why (one "scenario" testcase when it has
// none), and the console says so.
void skip_off_stack(RunContext& ctx, const std::string& why, PhaseState& state) {
  ctx.out << "  " << why << "\n";
  state.off_stack = true;
  state.skip_reason = why;
  if (ctx.scenario.checks.empty()) state.verdicts.push_back(scenario_skipped(ctx.scenario, why));
}

// The end of a run: the result, the verdicts on the console, run.end, the scenario's summary.json.
void finish_run(RunContext& ctx, PhaseState& state, ScenarioOutcome& outcome) {
  auto& report = outcome.report;
  outcome.result = conclude(ctx.scenario, state);
  report.error = state.error;
  for (const auto& v : state.verdicts) report::print_verdict(ctx.out, v);
  report.verdicts = std::move(state.verdicts);
  report.duration = ctx.control.elapsed();
  ctx.history.record(history::EventType::k_run_end, {},
                     {{"result", result_name(outcome.result)}, {"duration_s", report.duration.count() / 1000.0}});
  // The scenario's own summary.json; the run's junit.xml and summary.json (written by the caller) say the same,
  // so a failure here is told, not fatal.
  if (auto written = report::write_summary({report}, ctx.report_dir / "summary.json"); !written)
    ctx.out << "  warning: " << written.message() << "\n";
  report::print_scenario_result(ctx.out, ctx.scenario.name, result_label(outcome.result), report.duration);
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
  ScenarioOutcome outcome{report_header(scenario, run_id, clock.wall_now()), ScenarioResult::k_passed};
  auto& report = outcome.report;
  const auto [seed, seed_from] = run_seed(scenario, options);
  report.seed = seed;
  history::History history(clock, report_dir / "history.jsonl");
  if (auto st = history.open(); !st) {
    report.error = st.message();
    outcome.result = ScenarioResult::k_error;
    return outcome;
  }
  if (!options.driver) {
    report.error = "no driver chosen for the run (RunOptions::driver; an internal error)";
    outcome.result = ScenarioResult::k_error;
    return outcome;
  }
  const driver::RunPaths paths = prestart ? prestart->paths() : run_paths(options, run_id, report_dir);
  process::OwnerMark::set_run_id(run_id, paths.environment);
  stack::RunControl control(clock, scenario.timeout);
  report::ConsoleProgress progress(out, [&control] { return control.elapsed(); }, options.live && options.out);
  std::ostream& console = progress.stream();
  history.set_observer([&console, &progress, verbose = options.verbose](const history::Event& e) {
    if (verbose) report::print_event(console, e);
    progress.on_event(e);
  });
  Random random(seed);
  RunContext ctx{scenario, history, control, options, report_dir, paths.logs_dir, console, random, {}, nullptr};
  history.record(history::EventType::k_run_begin, {},
                 {{"scenario", scenario.name}, {"file", scenario.file}, {"run_id", run_id}, {"seed", seed},
                  {"seed_from", seed_from}, {"harness_version", k_version}});
  console << report::terminal_text((options.position.empty() ? "" : options.position + " ") + scenario.name + " (" +
                                    scenario.file + ")")
          << "\n";
  report.stack = options.stack;
  if (!options.stack.empty()) report.properties.emplace_back("stack", options.stack);
  report.properties.emplace_back("driver", options.driver->name());
  report.properties.emplace_back("version.celery-chaos", k_version);
  // What the stack holds (read once per run by the driver): what `when:` is judged against, and `report` re-judges.
  if (const auto versions = options.driver->stack_versions())
    for (const auto& [component, version] : *versions)
      if (!version.empty()) report.properties.emplace_back("stack." + component, version);
  PhaseState state;
  if (const auto off = unmet_when(scenario.when, options.driver->stack_versions()); !off.empty()) {
    skip_off_stack(ctx, off, state);  // nothing starts (a prestarted broker is stopped with `prestart`)
  } else {
    run_services(*options.driver, paths, prestart.get(), ctx, clock, state, report);
  }
  release_run(*options.driver, paths, options.keep, history);
  finish_run(ctx, state, outcome);
  history.set_observer({});  // `progress` goes first
  return outcome;
}

report::ScenarioReport not_started_report(const scenario::Scenario& scenario, const std::string& run_id,
                                          const std::string& reason) {
  report::ScenarioReport report = report_header(scenario, run_id, std::chrono::system_clock::now());
  report.seed = scenario.seed_given ? scenario.seed : 0;
  report.not_run = reason;
  for (const auto& check : scenario.checks) {
    report.verdicts.push_back(check::Verdict{check.name, scenario.name + ".check", check::Outcome::k_skipped, reason, {}, {}});
  }
  // A scenario without checks still shows in the report.
  if (report.verdicts.empty()) report.verdicts.push_back(scenario_skipped(scenario, reason));
  return report;
}

}  // namespace harness::run
