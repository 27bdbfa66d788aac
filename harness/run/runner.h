#pragma once
// Runs one scenario end to end: create services (driver) -> boot in parallel -> steps -> checks -> teardown
// (every process stopped and swept) -> a report::ScenarioReport. Writes history.jsonl, logs/ and summary.json
// into the scenario's report folder.
#include <filesystem>
#include <functional>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "harness/driver/driver.h"
#include "harness/report/junit_writer.h"
#include "harness/run/prestart.h"
#include "harness/scenario/model.h"
#include "harness/util/status.h"

namespace harness::run {

struct RunOptions {
  std::filesystem::path work_base;   // services' private data: <work_base>/runs/<run id>, cache in <work_base>/cache
  bool keep = false;                 // keep the services' data dirs after the run
  bool verbose = false;              // print every history::History event as it happens
  std::ostream* out = nullptr;       // progress lines (nullptr: quiet)
  std::chrono::milliseconds boot_timeout{120'000};
  // Called once every service of the scenario is ready, before its steps: a suite starts booting the next
  // scenario's broker then (run/prestart.h), so that two boots do not compete for the CPU.
  std::function<void()> on_ready;
  // Where the services run: the one place a run's driver is chosen (the CLI: driver::make_local_driver()).
  // It creates the services and kills what a run leaves. REQUIRED.
  std::shared_ptr<driver::Driver> driver;
  // `--seed N`: the run's seed instead of each scenario's `seed:` (nullopt or 0: the scenario's, else one chosen
  // at random). The seed used is reported (JUnit property, summary.json, run.begin {seed, seed_from}).
  std::optional<std::uint64_t> seed;
  // The console (report/console_progress.h): `position` ("[3/27]") starts the scenario's first line; `live`
  // redraws one progress line every second (a terminal) instead of a line per step (a CI log).
  std::string position;
  bool live = false;
  // The stack's name when the run names its stacks (`run --stack`, cli/stack_choice.h): the report's `stack`,
  // property and JUnit name ("smoke [trixie]"). Empty: the run named none.
  std::string stack;
};

enum class ScenarioResult { k_passed, k_failed, k_error, k_cancelled };

struct ScenarioOutcome {
  report::ScenarioReport report;
  ScenarioResult result = ScenarioResult::k_passed;
};

// `run_id` must be unique on the machine (it names nodes and marks every process of the run). `prestart`: the
// scenario's services, some already booting (run/prestart.h), created with run_paths() of the same arguments.
ScenarioOutcome run_scenario(const scenario::Scenario& scenario, const std::string& run_id,
                             const std::filesystem::path& report_dir, const RunOptions& options,
                             std::unique_ptr<Prestart> prestart = nullptr);

// The report of a scenario that never started because the run was interrupted before it: every check <skipped>
// with `reason` (one testcase "scenario" when it has no checks), `not_run` set, so it did not pass.
report::ScenarioReport not_started_report(const scenario::Scenario& scenario, const std::string& run_id,
                                          const std::string& reason);

// The folders of one scenario run (created): services' data in <work_base>/runs/<run id>, logs in
// <report_dir>/logs, the machine's cache in <work_base>/cache.
driver::RunPaths run_paths(const RunOptions& options, const std::string& run_id,
                           const std::filesystem::path& report_dir);

// ${CELERY_CHAOS_WORK_DIR}, else ${TMPDIR:-/tmp}/celery-chaos-<uid>.
std::filesystem::path default_work_base();

// Creates or checks the work base and its runs/ and cache/ before anything of a run starts: private folders
// (util/private_dir.h), refused when one is a symbolic link or belongs to another user (k_infrastructure).
util::Status prepare_work_base(const std::filesystem::path& work_base);

}  // namespace harness::run
