// `celery-chaos report RUN_DIR`: a finished run judged again from its files (cli/rejudge.h), its reports written
// again: each scenario folder's summary.json, and the run's junit.xml, summary.json and report.html.
#include <iostream>
#include <fstream>

#include "harness/cli/cli.h"
#include "harness/cli/commands.h"
#include "harness/cli/rejudge.h"
#include "harness/report/console_report.h"
#include "harness/report/repeats.h"
#include "harness/report/summary.h"
#include "harness/report/summary_reader.h"
#include "harness/scenario/loader.h"

namespace harness::cli {

namespace {
namespace fs = std::filesystem;

// The scenario a folder belongs to: <scenario>/ itself, or <scenario>/ for <scenario>/repeat-K/.
fs::path scenario_folder(const fs::path& folder) {
  return folder.filename().string().rfind("repeat-", 0) == 0 ? folder.parent_path() : folder;
}

// The run's own summary.json: what interrupted it, and the scenarios that never ran (they have no folder).
void read_run_summary(const fs::path& run_dir, std::string& interrupted, std::vector<report::ScenarioReport>& not_run) {
  std::ifstream in(run_dir / "summary.json");
  const auto json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return;
  if (json.contains("interrupted") && json["interrupted"].is_string()) interrupted = json["interrupted"];
  if (!json.contains("scenarios") || !json["scenarios"].is_array()) return;
  for (const auto& entry : json["scenarios"]) {
    auto report = report::scenario_from_summary(entry);
    if (report && !report->not_run.empty()) not_run.push_back(std::move(*report));
  }
}

// One scenario run judged again and its folder's summary.json rewritten; nullopt (said on stderr) when its
// summary or its scenario file cannot be read.
std::optional<report::ScenarioReport> rejudge_folder(const fs::path& folder) {
  auto old = report::read_scenario_summary(folder / "summary.json");
  if (!old) {
    std::cerr << "celery-chaos report: " << old.error().message() << "\n";
    return std::nullopt;
  }
  auto loaded = scenario::load_scenario_file(old->file);
  for (const auto& d : loaded.diagnostics) std::cerr << d.to_string() << "\n";
  if (!loaded.ok()) return std::nullopt;
  report::ScenarioReport fresh = rejudge(*old, *loaded.scenario, folder);
  if (auto st = report::write_summary({fresh}, folder / "summary.json"); !st) std::cerr << st.message() << "\n";
  std::cout << fresh.name << " (" << folder.string() << ")\n";
  for (const auto& v : fresh.verdicts) report::print_verdict(std::cout, v);
  return fresh;
}

// Consecutive runs of one scenario folder (its repeats) joined (report/repeats.h), with the last one's folder.
void join_repeats(const std::vector<report::ScenarioReport>& runs, const std::vector<fs::path>& folders,
                  std::vector<report::ScenarioReport>& joined, std::vector<fs::path>& joined_folders) {
  for (std::size_t begin = 0; begin < runs.size();) {
    std::size_t end = begin;
    while (end < runs.size() && scenario_folder(folders[end]) == scenario_folder(folders[begin])) ++end;
    joined.push_back(report::aggregate_repeats({runs.begin() + begin, runs.begin() + end}));
    joined_folders.push_back(folders[end - 1]);
    begin = end;
  }
}
}  // namespace

int report_command(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::cerr << "celery-chaos report: give one run folder (reports/<run-id>)\n";
    return k_exit_usage;
  }
  std::error_code ec;
  const fs::path run_dir = fs::canonical(args[0], ec);  // reports/latest: the run it points to
  const auto folders = ec ? std::vector<fs::path>{} : scenario_run_folders(run_dir);
  if (folders.empty()) {
    std::cerr << "celery-chaos report: no scenario run in " << args[0]
              << " (a run's folder holds <scenario>/summary.json and history.jsonl)\n";
    return k_exit_usage;
  }
  std::vector<report::ScenarioReport> runs;
  for (const auto& folder : folders) {
    auto fresh = rejudge_folder(folder);
    if (!fresh) return k_exit_usage;
    runs.push_back(std::move(*fresh));
  }
  std::vector<report::ScenarioReport> joined;
  std::vector<fs::path> joined_folders;
  join_repeats(runs, folders, joined, joined_folders);
  std::string interrupted;
  read_run_summary(run_dir, interrupted, joined);
  report::TimelineCache timelines;
  write_run_reports(joined, joined_folders, run_dir, interrupted, timelines);
  std::cout << "JUnit: " << (run_dir / "junit.xml").string() << "\nHTML: " << (run_dir / "report.html").string()
            << "\n";
  bool failed = !interrupted.empty(), errored = false;
  for (const auto& r : joined) {
    const report::Counts c = report::count(r);
    failed |= c.failures > 0 || !r.not_run.empty();
    errored |= c.errors > 0;
  }
  return errored ? k_exit_infrastructure : failed ? k_exit_failed : k_exit_passed;
}

}  // namespace harness::cli
