#pragma once
// summary.json: the machine-readable outcome of a run, for scripts (jq) rather than CI report parsers.
//   {"passed": true|false,                       every scenario ran and passed, and the run was not interrupted
//    "interrupted": "SIGINT",                    only when a signal (or another cancellation) cut the run short
//    "counts": {"scenarios", "passed", "tests", "failures", "errors", "skipped", "xfailed"},
//    "scenarios": [{"name", "file", "run_id", "passed", "expect", "started", "duration_s", "seed",
//                   "counts": {"tests", "failures", "errors", "skipped", "xfailed"},   junit.xml's numbers, and
//                                              the expected failures (`expect: fail`), which JUnit counts as passes
//                   "stack", "properties": {...}, "verdicts": [{"name", "classname", "outcome", "message"}],
//                   "error", "not_run"}]}      "error" only when the scenario had one; "not_run" (why) only for a
//                                              scenario that never started
//    "upgrade": {...}}                         a matrix run's only (run --stack A --stack B): upgrade_report.h
// outcome is check::to_string: "passed", "failed", "error", "skipped", "xfailed". The file is ASCII: other
// characters are \u escapes, and bytes that are not valid UTF-8 are U+FFFD.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/report/scenario_report.h"
#include "harness/util/status.h"

namespace harness::report {

// `interrupted`: what cut the run short ("SIGINT"), empty when nothing did.
nlohmann::json summary_json(const std::vector<ScenarioReport>& scenarios, const std::string& interrupted = {});
// summary_json, indented by two spaces, written atomically (report_file.h).
util::Status write_summary(const std::vector<ScenarioReport>& scenarios, const std::filesystem::path& path,
                           const std::string& interrupted = {});

}  // namespace harness::report
