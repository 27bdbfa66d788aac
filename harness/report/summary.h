#pragma once
// summary.json: the machine-readable outcome of a run, for scripts (jq) rather than CI report parsers.
//   {"passed": true|false,                       every scenario passed
//    "counts": {"scenarios", "passed", "tests", "failures", "errors", "skipped"},
//    "scenarios": [{"name", "file", "run_id", "passed", "expect", "started", "duration_s", "seed",
//                   "counts": {"tests", "failures", "errors", "skipped"},   the same numbers as junit.xml
//                   "properties": {...}, "verdicts": [{"name", "classname", "outcome", "message"}],
//                   "error"}]}                   "error" only when the scenario had one
// outcome is check::to_string: "passed", "failed", "error", "skipped". Strings that are not valid UTF-8 are
// written with U+FFFD.
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/report/scenario_report.h"
#include "harness/util/status.h"

namespace harness::report {

nlohmann::json summary_json(const std::vector<ScenarioReport>& scenarios);
// summary_json, indented by two spaces, written atomically (report_file.h).
util::Status write_summary(const std::vector<ScenarioReport>& scenarios, const std::filesystem::path& path);

}  // namespace harness::report
