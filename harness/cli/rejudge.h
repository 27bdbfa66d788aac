#pragma once
// `celery-chaos report RUN_DIR`: a finished run judged again from its files, with the scenario files as they are
// now, so that a changed bound changes the verdict without running the chaos again.
//
// Each scenario run of RUN_DIR (a folder holding summary.json and history.jsonl: <scenario>/ or, with --repeat,
// <scenario>/repeat-K/) is read back (report/summary_reader.h), and every check of its scenario's current file
// whose kind is pure (check/check_kind.h: not `live`) is judged again over the history.jsonl, ledger.jsonl and logs
// of the folder. A live check (exec, queue: they read services that are gone) keeps the verdict it had, found by
// name ("not re-judged (live check): ..." prefixes its message), or is <skipped> "not re-judged: a live check
// added since the run". A scenario run that did not reach its checks (a setup error, not run, a timeout or an
// interruption) is kept as it was. `expect: fail` is applied again.
#include <filesystem>
#include <string>
#include <vector>

#include "harness/report/scenario_report.h"
#include "harness/scenario/model.h"

namespace harness::cli {

// `old` (what the run reported for the folder `folder`) judged again with `scenario`.
report::ScenarioReport rejudge(const report::ScenarioReport& old, const scenario::Scenario& scenario,
                               const std::filesystem::path& folder);

// The scenario runs of `run_dir` in the order they ran (their run ids end in "-1", "-2", ...): each folder with
// a summary.json and a history.jsonl, one or two levels down.
std::vector<std::filesystem::path> scenario_run_folders(const std::filesystem::path& run_dir);

}  // namespace harness::cli
