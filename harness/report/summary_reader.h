#pragma once
// The inverse of summary.json (report/summary.h) for one scenario run: how `celery-chaos report` gets back what a
// finished run knew about each scenario (its header, properties and verdicts) from the scenario folder's own
// summary.json. What summary.json does not keep comes back empty: verdicts' details and durations, and the logs
// (the caller reads the log tails again from logs/).
#include <filesystem>

#include <nlohmann/json.hpp>

#include "harness/report/scenario_report.h"
#include "harness/util/status.h"

namespace harness::report {

// One entry of summary.json's "scenarios". k_invalid_input naming the first problem: "no \"name\" string",
// "verdict 2 has an unknown outcome 'lost'".
util::Expected<ScenarioReport> scenario_from_summary(const nlohmann::json& entry);

// The first scenario of the summary.json at `path`. k_invalid_input prefixed with the path: "PATH: not valid JSON",
// "PATH: no scenario", "PATH: no \"name\" string"; "cannot read PATH" when it cannot be read.
util::Expected<ScenarioReport> read_scenario_summary(const std::filesystem::path& path);

// "passed" -> k_passed, ... (check::to_string's inverse); nullopt for any other text.
std::optional<check::Outcome> outcome_from_string(const std::string& text);

}  // namespace harness::report
