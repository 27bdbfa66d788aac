#pragma once
// summary.json: the machine-readable outcome of a run (per scenario: passed, counts, verdicts, error).
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/report/junit_writer.h"

namespace harness::report {

nlohmann::json summary_json(const std::vector<ScenarioReport>& scenarios);
util::Status write_summary(const std::vector<ScenarioReport>& scenarios, const std::filesystem::path& path);

}  // namespace harness::report
