#include "harness/cli/commands.h"

#include <unistd.h>

#include <ctime>
#include <iomanip>
#include <iostream>
#include <random>
#include <set>
#include <sstream>

#include "harness/cli/cli.h"
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

// The runs of a suite: each scenario `repeat` times in a row (--repeat), each run with its report folder (the
// scenario's name made unique under the run's folder; with repeats, "repeat-K" inside it), run id
// ("<run_id>-<1-based run index>") and console position ("[3/27]", "[3/27, repeat 2/3]").
struct SuiteRuns {
  std::vector<scenario::Scenario> runs;
  std::vector<size_t> scenario_of;  // each run's index in the selected scenarios
  std::vector<fs::path> folders;
  std::vector<std::string> run_ids;
  std::vector<std::string> positions;
};

SuiteRuns plan_runs(const std::vector<scenario::Scenario>& scenarios, int repeat, const std::string& run_id,
                    const fs::path& run_dir) {
  SuiteRuns plan;
  std::set<std::string> used;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const auto& name = scenarios[i].name;
    std::string folder = name;
    for (int n = 2; used.count(folder); ++n) folder = name + "-" + std::to_string(n);
    used.insert(folder);
    const std::string position = "[" + std::to_string(i + 1) + "/" + std::to_string(scenarios.size());
    for (int r = 1; r <= repeat; ++r) {
      plan.runs.push_back(scenarios[i]);
      plan.scenario_of.push_back(i);
      plan.folders.push_back(repeat == 1 ? run_dir / folder : run_dir / folder / ("repeat-" + std::to_string(r)));
      plan.run_ids.push_back(run_id + "-" + std::to_string(plan.runs.size()));
      plan.positions.push_back(repeat == 1 ? position + "]"
                                           : position + ", repeat " + std::to_string(r) + "/" +
                                                 std::to_string(repeat) + "]");
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

// The one place a run's driver is chosen.
util::Expected<std::shared_ptr<driver::Driver>> make_driver(const GlobalOptions& options) {
  if (options.driver == "docker") {
    driver::DockerOptions docker;
    if (!options.image.empty()) docker.image = options.image;
    docker.pull = options.pull;
    docker.keep = options.keep;
    auto made = driver::make_docker_driver(docker);
    if (!made) return made.error();
    return std::shared_ptr<driver::Driver>(std::move(made.value()));
  }
  return std::shared_ptr<driver::Driver>(driver::make_local_driver());
}

int run_command(const std::vector<std::string>& args, const GlobalOptions& options) {
  process::install_signal_handlers();
  auto scenarios = load_selected(args, options.selection);
  if (!scenarios) return k_exit_usage;

  // Before anything starts: a work base another user planted (a link, or a folder of theirs) is refused.
  const fs::path work_base = run::default_work_base();
  if (auto st = run::prepare_work_base(work_base); !st) {
    std::cerr << "celery-chaos: " << st.message() << "\n  (the work folder; CELERY_CHAOS_WORK_DIR chooses another)\n";
    return k_exit_infrastructure;
  }

  auto driver = make_driver(options);
  if (!driver) {
    std::cerr << "celery-chaos: " << driver.error().message() << "\n";
    return k_exit_infrastructure;
  }
  const auto run_started = std::chrono::steady_clock::now();
  sweep_leftovers(work_base / "runs", options.verbose);
  const std::string run_id = new_run_id();
  const fs::path run_dir = options.report_dir / run_id;
  std::error_code ec;
  fs::create_directories(run_dir, ec);
  if (ec) {
    std::cerr << "celery-chaos: cannot create " << run_dir << ": " << ec.message() << "\n";
    return k_exit_usage;
  }
  std::cout << "celery-chaos run " << run_id << " -> " << run_dir.string() << "\n";
  point_latest(options.report_dir, run_id);  // now: the reports are written as the run goes

  run::RunOptions run_options;
  run_options.work_base = work_base;
  run_options.keep = options.keep;
  run_options.verbose = options.verbose;
  run_options.out = options.quiet ? nullptr : &std::cout;
  // A live progress line only where a person watches: a terminal that understands erasing a line.
  const char* term = std::getenv("TERM");
  run_options.live = ::isatty(STDOUT_FILENO) && term != nullptr && std::string_view(term) != "dumb";
  run_options.driver = std::move(driver.value());
  run_options.seed = options.seed;

  const SuiteRuns plan = plan_runs(*scenarios, options.repeat, run_id, run_dir);
  const auto& runs = plan.runs;

  std::vector<report::ScenarioReport> reports;  // one per run; per_scenario() joins the repeats
  report::TimelineCache timelines;
  bool failed = false, errored = false, cancelled = false;
  // Pipelining: once run i is ready, run i+1's broker boots (run/prestart.h).
  std::unique_ptr<run::Prestart> next;
  size_t started = 0;
  for (; started < runs.size() && !process::cancelled(); ++started) {
    const size_t i = started;
    std::unique_ptr<run::Prestart> mine = std::move(next);
    run_options.on_ready = [&, i] {
      if (!options.prestart || i + 1 >= runs.size() || process::cancelled()) return;
      next = run::Prestart::begin(runs[i + 1], run::run_paths(run_options, plan.run_ids[i + 1], plan.folders[i + 1]),
                                  *run_options.driver);
    };
    run_options.position = plan.positions[i];
    auto outcome = run::run_scenario(runs[i], plan.run_ids[i], plan.folders[i], run_options, std::move(mine));
    print_scenario_end(runs[i], run_options.position, outcome.report, options.quiet);
    reports.push_back(std::move(outcome.report));
    failed |= outcome.result == run::ScenarioResult::k_failed;
    errored |= outcome.result == run::ScenarioResult::k_error;
    cancelled |= outcome.result == run::ScenarioResult::k_cancelled;
    const auto joined = per_scenario(reports, plan.scenario_of);
    if (options.repeat > 1 && (i + 1 == runs.size() || plan.scenario_of[i + 1] != plan.scenario_of[i])) {
      report::print_flaky(std::cout, joined.back());  // its last repeat
    }
    // After every run: a harness killed later (a CI job's own time limit) still leaves these results.
    write_run_reports(joined, last_folders(plan, reports.size()), run_dir, {}, timelines);
  }
  next.reset();  // a broker booted for a scenario that will not run (interrupted)
  cancelled |= process::cancelled();
  const std::string interrupted = cancelled ? report_not_run(runs, plan.run_ids, started, reports) : std::string{};
  const auto joined = per_scenario(reports, plan.scenario_of);
  write_run_reports(joined, last_folders(plan, reports.size()), run_dir, interrupted, timelines);
  std::cout << report::totals_line(joined, std::chrono::steady_clock::now() - run_started) << "\n";
  std::cout << "JUnit: " << (run_dir / "junit.xml").string() << "\n";
  std::cout << "HTML: " << (run_dir / "report.html").string() << "\n";
  if (cancelled) {
    std::cout << "celery-chaos: " << process::cancel_reason() << "; " << runs.size() - started
              << (options.repeat > 1 ? " run(s)" : " scenario(s)") << " not run\n";
    return k_exit_interrupted;
  }
  return errored ? k_exit_infrastructure : failed ? k_exit_failed : k_exit_passed;
}

}  // namespace harness::cli
