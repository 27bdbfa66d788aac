#pragma once
// Runs one scenario end to end: create services (driver) -> boot in parallel -> steps -> checks -> teardown
// (every process stopped and swept) -> a report::ScenarioReport. Writes history.jsonl, logs/ and summary.json
// into the scenario's report folder.
#include <filesystem>
#include <iosfwd>
#include <string>

#include "harness/report/junit_writer.h"
#include "harness/scenario/model.h"

namespace harness::run {

struct RunOptions {
  std::filesystem::path work_base;   // services' private data: <work_base>/runs/<run id>, cache in <work_base>/cache
  bool keep = false;                 // keep the services' data dirs after the run
  bool verbose = false;              // print every History event as it happens
  std::ostream* out = nullptr;       // progress lines (nullptr: quiet)
  std::chrono::milliseconds boot_timeout{120'000};
};

enum class ScenarioResult { k_passed, k_failed, k_error, k_cancelled };

struct ScenarioOutcome {
  report::ScenarioReport report;
  ScenarioResult result = ScenarioResult::k_passed;
};

// `run_id` must be unique on the machine (it names nodes and marks every process of the run).
ScenarioOutcome run_scenario(const scenario::Scenario& scenario, const std::string& run_id,
                             const std::filesystem::path& report_dir, const RunOptions& options);

// ${CELERY_CHAOS_WORK_DIR}, else ${TMPDIR:-/tmp}/celery-chaos-<uid>.
std::filesystem::path default_work_base();

}  // namespace harness::run
