#include "harness/cli/rejudge.h"

#include <algorithm>

#include "harness/check/check_kind.h"
#include "harness/history/history.h"
#include "harness/report/summary_reader.h"
#include "harness/run/judge_phase.h"
#include "harness/util/clock.h"
#include "harness/util/log_tail.h"

namespace harness::cli {

namespace {
namespace fs = std::filesystem;
using check::Outcome;
using check::Verdict;

constexpr std::size_t k_log_lines = 40;  // as many as a run's report keeps

// Whether the run reached its checks: no setup error, it ran, and no stop verdict (its timeout, Ctrl-C).
bool reached_checks(const report::ScenarioReport& old) {
  if (!old.error.empty() || !old.not_run.empty()) return false;
  return std::none_of(old.verdicts.begin(), old.verdicts.end(), [&](const Verdict& v) {
    return v.classname == old.name + ".timeout" || v.classname == old.name + ".interrupted";
  });
}

// A live check's verdict: the one the run gave it, or skipped when the run had none.
Verdict kept_verdict(const report::ScenarioReport& old, const scenario::Check& check, const std::string& kind) {
  for (const auto& v : old.verdicts) {
    if (v.name != check.name) continue;
    Verdict kept = v;
    const std::string prefix = "not re-judged (live check): ";
    if (kept.message.rfind(prefix, 0) != 0) kept.message = prefix + kept.message;  // a second `report` adds none
    return kept;
  }
  return Verdict{check.name, old.name + "." + kind, Outcome::k_skipped,
                 "not re-judged: a live check added since the run", {}, {}};
}

std::vector<report::ServiceLog> log_tails(const fs::path& logs_dir) {
  std::vector<report::ServiceLog> logs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(logs_dir, ec)) {
    if (entry.path().extension() != ".log") continue;
    logs.push_back({entry.path().stem().string(), entry.path(), util::tail_file(entry.path(), k_log_lines)});
  }
  std::sort(logs.begin(), logs.end(), [](const auto& a, const auto& b) { return a.service < b.service; });
  return logs;
}

// The run number at the end of a run id ("20261127-192616-df8f-3" -> 3); 0 when there is none.
// The stack's versions as the run recorded them (its stack.* properties); an error when it recorded none.
util::Expected<driver::Versions> recorded_versions(const report::ScenarioReport& old) {
  driver::Versions versions;
  for (const auto& [name, value] : old.properties)
    if (name.rfind("stack.", 0) == 0) versions.emplace_back(name.substr(6), value);
  if (versions.empty()) return util::Status::infrastructure("the run recorded none");
  return versions;
}

long run_number(const std::string& run_id) {
  const auto dash = run_id.rfind('-');
  if (dash == std::string::npos) return 0;
  try {
    return std::stol(run_id.substr(dash + 1));
  } catch (const std::exception&) {
    return 0;
  }
}
}  // namespace

report::ScenarioReport rejudge(const report::ScenarioReport& old, const scenario::Scenario& scenario,
                               const fs::path& folder) {
  report::ScenarioReport fresh = old;
  fresh.logs = log_tails(folder / "logs");
  if (!reached_checks(old)) return fresh;
  util::RealClock clock;
  history::History history(clock, folder / "history.jsonl");  // never opened: nothing is written
  if (auto events = history::read_history(folder / "history.jsonl")) history.restore(std::move(*events));
  check::JudgeContext context{.scenario = scenario.name, .history = history, .run_dir = folder,
                              .logs_dir = folder / "logs"};
  run::PhaseState state;
  const auto versions = recorded_versions(old);
  for (const auto& check : scenario.checks) {
    const check::CheckKind* kind = check::registry().find(check.kind);
    if (auto unmet = run::unmet_when(check.when, versions); !unmet.empty()) {
      state.verdicts.push_back(Verdict{check.name, old.name + ".check", Outcome::k_skipped, unmet, {}, {}});
    } else if (kind == nullptr || kind->live) {
      state.verdicts.push_back(kept_verdict(old, check, check.kind));
    } else {
      state.verdicts.push_back(check::judge(check, context));
    }
  }
  run::conclude(scenario, state);  // `expect: fail`
  fresh.verdicts = std::move(state.verdicts);
  fresh.expectation = scenario.expect == scenario::Expectation::k_fail ? "fail" : "pass";
  return fresh;
}

std::vector<fs::path> scenario_run_folders(const fs::path& run_dir) {
  std::vector<std::pair<long, fs::path>> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(run_dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it.depth() >= 2) it.disable_recursion_pending();  // [<stack>/]<scenario>/[repeat-K/]
    if (!it->is_directory() || !fs::exists(it->path() / "summary.json") ||
        !fs::exists(it->path() / "history.jsonl")) {
      continue;
    }
    auto report = report::read_scenario_summary(it->path() / "summary.json");
    found.emplace_back(report ? run_number(report->run_id) : 0, it->path());
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> folders;
  for (auto& f : found) folders.push_back(std::move(f.second));
  return folders;
}

}  // namespace harness::cli
