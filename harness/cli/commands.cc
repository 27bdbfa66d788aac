#include "harness/cli/commands.h"

#include <unistd.h>

#include <ctime>
#include <iomanip>
#include <iostream>
#include <random>
#include <set>
#include <sstream>

#include "harness/cli/cli.h"
#include "harness/cli/stack_choice.h"
#include "harness/process/cancellation.h"
#include "harness/process/sweeper.h"
#include "harness/report/console_report.h"
#include "harness/report/github_annotations.h"
#include "harness/report/html_report.h"
#include "harness/report/junit_merge.h"
#include "harness/report/junit_writer.h"
#include "harness/report/repeats.h"
#include "harness/report/report_file.h"
#include "harness/report/summary.h"
#include "harness/report/upgrade_report.h"
#include "harness/run/runner.h"
#include "harness/scenario/duration.h"
#include "harness/scenario/loader.h"

namespace harness::cli {

namespace {
namespace fs = std::filesystem;

// Loads every scenario; prints every diagnostic to stderr. Empty optional = invalid input.
std::optional<std::vector<scenario::Scenario>> load_all(const std::vector<std::string>& args) {
  std::vector<scenario::Diagnostic> diagnostics;
  const auto files = scenario::collect_scenario_files(args, diagnostics);
  std::vector<scenario::Scenario> scenarios;
  for (const auto& file : files) {
    auto loaded = scenario::load_scenario_file(file);
    diagnostics.insert(diagnostics.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
    if (loaded.ok()) scenarios.push_back(std::move(*loaded.scenario));
  }
  for (const auto& d : diagnostics) std::cerr << d.to_string() << "\n";
  if (!diagnostics.empty()) return std::nullopt;
  if (scenarios.empty()) {
    std::cerr << "celery-chaos: no scenario files found in the given paths\n";
    return std::nullopt;
  }
  return scenarios;
}

// load_all(), then the scenarios `selection` keeps (cli/selection.h); a bad selection is printed.
std::optional<std::vector<scenario::Scenario>> load_selected(const std::vector<std::string>& args,
                                                             const Selection& selection) {
  auto scenarios = load_all(args);
  if (!scenarios) return std::nullopt;
  auto selected = select_scenarios(std::move(*scenarios), selection);
  if (!selected) {
    std::cerr << "celery-chaos: " << selected.error().message() << "\n";
    return std::nullopt;
  }
  if (selected->empty()) {
    // Not an error: a shard of a small suite may be empty, and its CI job should still pass.
    std::cerr << "celery-chaos: no scenario selected (--tag, --filter and --shard leave none)\n";
  }
  return std::move(*selected);
}

std::string new_run_id() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  std::ostringstream id;
  id << std::put_time(&tm, "%Y%m%d-%H%M%S") << "-" << std::hex << std::setw(4) << std::setfill('0')
     << (std::random_device{}() & 0xffff);
  return id.str();
}

void point_latest(const fs::path& report_dir, const std::string& run_id) {
  std::error_code ec;
  const fs::path link = report_dir / "latest";
  const fs::path tmp = report_dir / (".latest-" + run_id);
  fs::create_directory_symlink(run_id, tmp, ec);
  if (!ec) fs::rename(tmp, link, ec);  // atomic replace
}
}  // namespace

void write_run_reports(const std::vector<report::ScenarioReport>& reports, const std::vector<fs::path>& folders,
                       const fs::path& run_dir, const std::string& interrupted, report::TimelineCache& timelines) {
  if (auto st = report::write_junit(reports, run_dir / "junit.xml"); !st) std::cerr << st.message() << "\n";
  if (auto st = report::write_summary(reports, run_dir / "summary.json", interrupted); !st) {
    std::cerr << st.message() << "\n";
  }
  if (report::is_matrix(reports)) {
    const auto table = report::render_verdicts_markdown(report::upgrade_table(reports));
    if (auto st = report::write_report_file(run_dir / "verdicts.md", table); !st) std::cerr << st.message() << "\n";
  }
  const std::string title = "celery-chaos run " + run_dir.filename().string();
  if (auto st = report::write_html_report(reports, folders, title, run_dir / "report.html", timelines); !st) {
    std::cerr << st.message() << "\n";
  }
}

namespace {
// "SIGINT" for "interrupted by SIGINT"; another cancellation's reason as it is.
std::string interruption_name(const std::string& reason) {
  const std::string prefix = "interrupted by ";
  return reason.rfind(prefix, 0) == 0 ? reason.substr(prefix.size()) : reason;
}

// The run was cancelled before scenario `first` started: it and every later scenario get a report saying so.
// Returns what interrupted the run, for summary.json ("SIGINT").
std::string report_not_run(const std::vector<scenario::Scenario>& scenarios, const std::vector<std::string>& run_ids,
                           size_t first, std::vector<report::ScenarioReport>& reports) {
  const std::string reason = "not run: the run was " + process::cancel_reason() + " before this scenario started";
  for (size_t i = first; i < scenarios.size(); ++i) {
    reports.push_back(run::not_started_report(scenarios[i], run_ids[i], reason));
  }
  return interruption_name(process::cancel_reason());
}

// Kills what earlier, dead harnesses left behind and removes their run folders under `runs_dir`, saying so on
// stderr; with `verbose`, also what it left alone and why.
void sweep_leftovers(const fs::path& runs_dir, bool verbose) {
  const auto swept = process::sweep_orphans(runs_dir);
  if (!swept.killed.empty()) {
    std::cerr << "celery-chaos: swept " << swept.killed.size()
              << " leftover process(es) of an earlier harness that died\n";
  }
  if (!swept.removed.empty()) {
    std::cerr << "celery-chaos: removed " << swept.removed.size() << " run folder(s) of an earlier harness that died\n";
  }
  if (verbose) {
    for (const auto& line : swept.spared) std::cerr << "celery-chaos: sweep: " << line << "\n";
  }
}

// The runs of a suite: on each stack in turn, each scenario `repeat` times in a row (--repeat), each run with its
// report folder (the scenario's name made unique under the run's folder, inside <stack>/ when the run names its
// stacks; with repeats, "repeat-K" inside it), run id ("<run_id>-<1-based run index>") and console position
// ("[3/27]", "[3/27, repeat 2/3]").
struct SuiteRuns {
  std::vector<scenario::Scenario> runs;
  std::vector<size_t> scenario_of;  // each run's scenario and stack: stack index * scenarios + scenario index
  std::vector<size_t> stack_of;     // each run's index in the run's stacks
  std::vector<fs::path> folders;
  std::vector<std::string> run_ids;
  std::vector<std::string> positions;
};

// The scenarios' folder names, unique: "name", "name-2", ...
std::vector<std::string> folder_names(const std::vector<scenario::Scenario>& scenarios) {
  std::vector<std::string> names;
  std::set<std::string> used;
  for (const auto& s : scenarios) {
    std::string folder = s.name;
    for (int n = 2; used.count(folder); ++n) folder = s.name + "-" + std::to_string(n);
    used.insert(folder);
    names.push_back(folder);
  }
  return names;
}

SuiteRuns plan_runs(const std::vector<scenario::Scenario>& scenarios, int repeat, const std::string& run_id,
                    const fs::path& run_dir, const std::vector<StackChoice>& stacks) {
  SuiteRuns plan;
  const auto folders = folder_names(scenarios);
  const size_t total = scenarios.size() * stacks.size();
  for (size_t k = 0; k < stacks.size(); ++k) {
    const fs::path base = stacks[k].name.empty() ? run_dir : run_dir / stacks[k].name;
    for (size_t i = 0; i < scenarios.size(); ++i) {
      const size_t index = k * scenarios.size() + i;
      const std::string position = "[" + std::to_string(index + 1) + "/" + std::to_string(total);
      for (int r = 1; r <= repeat; ++r) {
        plan.runs.push_back(scenarios[i]);
        plan.scenario_of.push_back(index);
        plan.stack_of.push_back(k);
        plan.folders.push_back(repeat == 1 ? base / folders[i] : base / folders[i] / ("repeat-" + std::to_string(r)));
        plan.run_ids.push_back(run_id + "-" + std::to_string(plan.runs.size()));
        plan.positions.push_back(repeat == 1 ? position + "]"
                                             : position + ", repeat " + std::to_string(r) + "/" +
                                                   std::to_string(repeat) + "]");
      }
    }
  }
  return plan;
}

// One report per scenario: the reports of its repeats aggregated (report/repeats.h), in the order they ran.
std::vector<report::ScenarioReport> per_scenario(const std::vector<report::ScenarioReport>& reports,
                                                 const std::vector<size_t>& scenario_of) {
  std::vector<report::ScenarioReport> out;
  for (size_t begin = 0; begin < reports.size();) {
    size_t end = begin;
    while (end < reports.size() && scenario_of[end] == scenario_of[begin]) ++end;
    out.push_back(report::aggregate_repeats({reports.begin() + begin, reports.begin() + end}));
    begin = end;
  }
  return out;
}

// The folder of each scenario's last run among the first `runs` runs, in per_scenario()'s order.
std::vector<fs::path> last_folders(const SuiteRuns& plan, size_t runs) {
  std::vector<fs::path> folders;
  for (size_t i = 0; i < runs && i < plan.folders.size(); ++i) {
    if (i + 1 < runs && plan.scenario_of[i + 1] == plan.scenario_of[i]) continue;
    folders.push_back(plan.folders[i]);
  }
  return folders;
}

// After a scenario: its one line under --quiet; its failed checks as GitHub annotations under GitHub Actions.
void print_scenario_end(const scenario::Scenario& scenario, const std::string& position,
                        const report::ScenarioReport& report, bool quiet) {
  if (quiet) std::cout << report::quiet_line(position, report) << "\n";
  if (report::in_github_actions()) {
    for (const auto& line : report::github_annotations(scenario, report.verdicts, report.error)) {
      std::cout << line << "\n";
    }
  }
  std::cout << std::flush;
}
}  // namespace

int validate_command(const std::vector<std::string>& args) {
  auto scenarios = load_all(args);
  if (!scenarios) return k_exit_usage;
  for (const auto& s : *scenarios) std::cout << s.file << ": ok (" << s.name << ")\n";
  return k_exit_passed;
}

int merge_command(const std::vector<std::string>& files) {
  if (files.size() < 2) {
    std::cerr << "celery-chaos merge: give OUT.xml and at least one JUnit file to merge into it\n";
    return k_exit_usage;
  }
  const std::vector<fs::path> inputs(files.begin() + 1, files.end());
  auto merged = report::merge_junit(inputs);
  if (!merged) {
    std::cerr << "celery-chaos merge: " << merged.error().message() << "\n";
    return k_exit_usage;
  }
  if (auto st = report::write_report_file(files.front(), *merged); !st) {
    std::cerr << "celery-chaos merge: " << st.message() << "\n";
    return k_exit_infrastructure;
  }
  return k_exit_passed;
}

int list_command(const std::vector<std::string>& args, const GlobalOptions& options) {
  auto scenarios = load_selected(args, options.selection);
  if (!scenarios) return k_exit_usage;
  for (const auto& s : *scenarios) {
    std::cout << s.name << "  " << s.file << "\n";
    if (!s.tags.empty()) {
      std::cout << "  tags:";
      for (const auto& t : s.tags) std::cout << " " << t;
      std::cout << "\n";
    }
    std::cout << "  services:";
    for (const auto& svc : s.services) {
      std::cout << " " << svc.name << "(" << scenario::to_string(svc.kind);
      if (svc.replicas > 1) std::cout << " x" << svc.replicas;
      std::cout << ")";
    }
    std::cout << "\n  steps: " << s.steps.size() << ", checks: " << s.checks.size()
              << ", timeout: " << scenario::format_duration(s.timeout)
              << (s.expect == scenario::Expectation::k_fail ? ", expect: fail" : "") << "\n";
    if (!s.description.empty()) {
      std::string first = s.description.substr(0, s.description.find('\n'));
      std::cout << "  " << first << "\n";
    }
  }
  return k_exit_passed;
}

// The one place a run's driver is chosen: the stack's (cli/stack_choice.h).
util::Expected<std::shared_ptr<driver::Driver>> make_driver(const StackChoice& stack, bool keep) {
  if (stack.driver == "docker" || stack.driver == "swarm") {
    driver::DockerOptions docker;
    if (stack.driver == "swarm") docker.swarm = stack.swarm.empty() ? "own" : stack.swarm;
    if (!stack.image.empty()) docker.image = stack.image;
    docker.worker_image = stack.worker_image;
    docker.pull = stack.pull;
    docker.keep = keep;
    auto made = driver::make_docker_driver(docker);
    if (!made) return made.error();
    return std::shared_ptr<driver::Driver>(std::move(made.value()));
  }
  return std::shared_ptr<driver::Driver>(driver::make_local_driver());
}

// Every stack's driver, made before anything of the run starts (an image absent and not pulled is known first).
util::Expected<std::vector<std::shared_ptr<driver::Driver>>> make_drivers(const std::vector<StackChoice>& stacks,
                                                                         bool keep) {
  std::vector<std::shared_ptr<driver::Driver>> drivers;
  for (const auto& stack : stacks) {
    auto driver = make_driver(stack, keep);
    if (!driver) {
      if (stack.name.empty()) return driver.error();
      return util::Status::error(driver.error().kind(), "stack " + stack.name + ": " + driver.error().message());
    }
    drivers.push_back(std::move(*driver));
  }
  return drivers;
}

namespace {
// What a suite's runs came to.
struct SuiteOutcome {
  std::vector<report::ScenarioReport> reports;  // one per run that started; per_scenario() joins the repeats
  size_t started = 0;
  bool failed = false, errored = false, cancelled = false;
};

// Runs the plan's runs in order, each on its stack's driver, writing the run's reports after each one.
SuiteOutcome run_suite(const SuiteRuns& plan, const std::vector<StackChoice>& stacks,
                       const std::vector<std::shared_ptr<driver::Driver>>& drivers, run::RunOptions& run_options,
                       const GlobalOptions& options, const fs::path& run_dir) {
  const auto& runs = plan.runs;
  SuiteOutcome suite;
  report::TimelineCache timelines;
  // Pipelining: once run i is ready, run i+1's broker boots (run/prestart.h), on run i+1's driver.
  std::unique_ptr<run::Prestart> next;
  for (; suite.started < runs.size() && !process::cancelled(); ++suite.started) {
    const size_t i = suite.started;
    std::unique_ptr<run::Prestart> mine = std::move(next);
    run_options.on_ready = [&, i] {
      if (!options.prestart || i + 1 >= runs.size() || process::cancelled()) return;
      next = run::Prestart::begin(runs[i + 1], run::run_paths(run_options, plan.run_ids[i + 1], plan.folders[i + 1]),
                                  *drivers[plan.stack_of[i + 1]]);
    };
    run_options.driver = drivers[plan.stack_of[i]];
    run_options.stack = stacks[plan.stack_of[i]].name;
    run_options.position = plan.positions[i];
    auto outcome = run::run_scenario(runs[i], plan.run_ids[i], plan.folders[i], run_options, std::move(mine));
    print_scenario_end(runs[i], run_options.position, outcome.report, options.quiet);
    suite.reports.push_back(std::move(outcome.report));
    suite.failed |= outcome.result == run::ScenarioResult::k_failed;
    suite.errored |= outcome.result == run::ScenarioResult::k_error;
    suite.cancelled |= outcome.result == run::ScenarioResult::k_cancelled;
    const auto joined = per_scenario(suite.reports, plan.scenario_of);
    if (options.repeat > 1 && (i + 1 == runs.size() || plan.scenario_of[i + 1] != plan.scenario_of[i])) {
      report::print_flaky(std::cout, joined.back());  // its last repeat
    }
    // After every run: a harness killed later (a CI job's own time limit) still leaves these results.
    write_run_reports(joined, last_folders(plan, suite.reports.size()), run_dir, {}, timelines);
  }
  next.reset();  // a broker booted for a scenario that will not run (interrupted)
  return suite;
}

run::RunOptions suite_run_options(const GlobalOptions& options, const fs::path& work_base) {
  run::RunOptions run_options;
  run_options.work_base = work_base;
  run_options.keep = options.keep;
  run_options.verbose = options.verbose;
  run_options.out = options.quiet ? nullptr : &std::cout;
  // A live progress line only where a person watches: a terminal that understands erasing a line.
  const char* term = std::getenv("TERM");
  run_options.live = ::isatty(STDOUT_FILENO) && term != nullptr && std::string_view(term) != "dumb";
  run_options.seed = options.seed;
  return run_options;
}

// The run's folder, created, with reports/latest pointing at it; empty (said on stderr) when it cannot be made.
fs::path make_run_dir(const fs::path& report_dir, const std::string& run_id) {
  const fs::path run_dir = report_dir / run_id;
  std::error_code ec;
  fs::create_directories(run_dir, ec);
  if (ec) {
    std::cerr << "celery-chaos: cannot create " << run_dir << ": " << ec.message() << "\n";
    return {};
  }
  std::cout << "celery-chaos run " << run_id << " -> " << run_dir.string() << "\n";
  point_latest(report_dir, run_id);  // now: the reports are written as the run goes
  return run_dir;
}
}  // namespace

int run_command(const std::vector<std::string>& args, const GlobalOptions& options) {
  process::install_signal_handlers();
  auto scenarios = load_selected(args, options.selection);
  if (!scenarios) return k_exit_usage;
  auto stacks = run_stacks(options.stacks, options.driver, options.image, options.pull);
  if (stacks)
    for (auto& stack : *stacks) stack.swarm = options.swarm;
  if (!stacks) {
    std::cerr << "celery-chaos: " << stacks.error().message() << "\n";
    return k_exit_usage;
  }
  // Before anything starts: a work base another user planted (a link, or a folder of theirs) is refused.
  const fs::path work_base = run::default_work_base();
  if (auto st = run::prepare_work_base(work_base); !st) {
    std::cerr << "celery-chaos: " << st.message() << "\n  (the work folder; CELERY_CHAOS_WORK_DIR chooses another)\n";
    return k_exit_infrastructure;
  }
  auto drivers = make_drivers(*stacks, options.keep);
  if (!drivers) {
    std::cerr << "celery-chaos: " << drivers.error().message() << "\n";
    return drivers.error().kind() == util::ErrorKind::k_invalid_input ? k_exit_usage : k_exit_infrastructure;
  }
  const auto run_started = std::chrono::steady_clock::now();
  sweep_leftovers(work_base / "runs", options.verbose);
  const std::string run_id = new_run_id();
  const fs::path run_dir = make_run_dir(options.report_dir, run_id);
  if (run_dir.empty()) return k_exit_usage;

  run::RunOptions run_options = suite_run_options(options, work_base);
  const SuiteRuns plan = plan_runs(*scenarios, options.repeat, run_id, run_dir, *stacks);
  SuiteOutcome suite = run_suite(plan, *stacks, *drivers, run_options, options, run_dir);
  suite.cancelled |= process::cancelled();
  const std::string interrupted =
      suite.cancelled ? report_not_run(plan.runs, plan.run_ids, suite.started, suite.reports) : std::string{};
  for (size_t i = suite.started; i < suite.reports.size(); ++i) suite.reports[i].stack = stacks->at(plan.stack_of[i]).name;
  const auto joined = per_scenario(suite.reports, plan.scenario_of);
  report::TimelineCache timelines;
  write_run_reports(joined, last_folders(plan, suite.reports.size()), run_dir, interrupted, timelines);
  std::cout << report::totals_line(joined, std::chrono::steady_clock::now() - run_started) << "\n";
  std::cout << "JUnit: " << (run_dir / "junit.xml").string() << "\n";
  std::cout << "HTML: " << (run_dir / "report.html").string() << "\n";
  if (stacks->size() > 1) std::cout << "Verdicts by stack: " << (run_dir / "verdicts.md").string() << "\n";
  if (suite.cancelled) {
    std::cout << "celery-chaos: " << process::cancel_reason() << "; " << plan.runs.size() - suite.started
              << (options.repeat > 1 ? " run(s)" : " scenario(s)") << " not run\n";
    return k_exit_interrupted;
  }
  return suite.errored ? k_exit_infrastructure : suite.failed ? k_exit_failed : k_exit_passed;
}

}  // namespace harness::cli
