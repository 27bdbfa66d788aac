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
#include "harness/report/junit_writer.h"
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
// junit.xml and summary.json of the run so far, each replaced atomically (report_file.h).
void write_run_reports(const std::vector<report::ScenarioReport>& reports, const fs::path& run_dir,
                       const std::string& interrupted) {
  if (auto st = report::write_junit(reports, run_dir / "junit.xml"); !st) std::cerr << st.message() << "\n";
  if (auto st = report::write_summary(reports, run_dir / "summary.json", interrupted); !st) {
    std::cerr << st.message() << "\n";
  }
}

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

// Each scenario's report folder (its name, made unique, under `run_dir`) and run id ("<run_id>-<1-based index>").
void name_scenario_runs(const std::vector<scenario::Scenario>& scenarios, const std::string& run_id,
                        const fs::path& run_dir, std::vector<fs::path>& folders, std::vector<std::string>& run_ids) {
  std::set<std::string> used;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const auto& name = scenarios[i].name;
    std::string folder = name;
    for (int n = 2; used.count(folder); ++n) folder = name + "-" + std::to_string(n);
    used.insert(folder);
    folders.push_back(run_dir / folder);
    run_ids.push_back(run_id + "-" + std::to_string(i + 1));
  }
}
}  // namespace

int validate_command(const std::vector<std::string>& args) {
  auto scenarios = load_all(args);
  if (!scenarios) return k_exit_usage;
  for (const auto& s : *scenarios) std::cout << s.file << ": ok (" << s.name << ")\n";
  return k_exit_passed;
}

int list_command(const std::vector<std::string>& args) {
  auto scenarios = load_all(args);
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
    auto made = driver::make_docker_driver(docker);
    if (!made) return made.error();
    return std::shared_ptr<driver::Driver>(std::move(made.value()));
  }
  return std::shared_ptr<driver::Driver>(driver::make_local_driver());
}

int run_command(const std::vector<std::string>& args, const GlobalOptions& options) {
  process::install_signal_handlers();
  auto scenarios = load_all(args);
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
  run_options.out = &std::cout;
  run_options.driver = std::move(driver.value());
  run_options.seed = options.seed;

  std::vector<fs::path> folders;
  std::vector<std::string> run_ids;
  name_scenario_runs(*scenarios, run_id, run_dir, folders, run_ids);

  std::vector<report::ScenarioReport> reports;
  bool failed = false, errored = false, cancelled = false;
  // Pipelining: once scenario i is ready, scenario i+1's broker boots (run/prestart.h).
  std::unique_ptr<run::Prestart> next;
  size_t started = 0;
  for (; started < scenarios->size() && !process::cancelled(); ++started) {
    const size_t i = started;
    const auto& s = (*scenarios)[i];
    std::unique_ptr<run::Prestart> mine = std::move(next);
    run_options.on_ready = [&, i] {
      if (!options.prestart || i + 1 >= scenarios->size() || process::cancelled()) return;
      next = run::Prestart::begin((*scenarios)[i + 1],
                                  run::run_paths(run_options, run_ids[i + 1], folders[i + 1]), *run_options.driver);
    };
    auto outcome = run::run_scenario(s, run_ids[i], folders[i], run_options, std::move(mine));
    reports.push_back(std::move(outcome.report));
    failed |= outcome.result == run::ScenarioResult::k_failed;
    errored |= outcome.result == run::ScenarioResult::k_error;
    cancelled |= outcome.result == run::ScenarioResult::k_cancelled;
    // After every scenario: a harness killed later (a CI job's own time limit) still leaves these results.
    write_run_reports(reports, run_dir, {});
  }
  next.reset();  // a broker booted for a scenario that will not run (interrupted)
  cancelled |= process::cancelled();
  const std::string interrupted = cancelled ? report_not_run(*scenarios, run_ids, started, reports) : std::string{};
  write_run_reports(reports, run_dir, interrupted);
  std::cout << "JUnit: " << (run_dir / "junit.xml").string() << "\n";
  if (cancelled) {
    std::cout << "celery-chaos: " << process::cancel_reason() << "; " << scenarios->size() - started
              << " scenario(s) not run\n";
    return k_exit_interrupted;
  }
  return errored ? k_exit_infrastructure : failed ? k_exit_failed : k_exit_passed;
}

}  // namespace harness::cli
