#pragma once
// What the phases of one scenario run share (run/runner.cc: boot -> steps -> judge -> teardown): the scenario,
// its History and RunControl, its folders and console, its loads and ledger, its Random; and what the phases
// found so far (PhaseState), from which the runner concludes the scenario's result.
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/history.h"
#include "harness/run/ledger.h"
#include "harness/run/load.h"
#include "harness/run/random.h"
#include "harness/stack/run_control.h"
#include "harness/run/runner.h"
#include "harness/scenario/model.h"

namespace harness::run {

struct RunContext {
  const scenario::Scenario& scenario;
  history::History& history;
  const stack::RunControl& control;
  const RunOptions& options;
  std::filesystem::path report_dir;
  std::filesystem::path logs_dir;
  std::ostream& out;
  Random& random;                  // the run's randomness (run/random.h), for steps and faults
  Loads loads;
  std::unique_ptr<Ledger> ledger;  // when the scenario has loads
};

struct PhaseState {
  std::vector<check::Verdict> verdicts;
  std::string error;          // why the scenario could not run (a service did not start): the report's error
  std::string skip_reason;    // why the checks without a verdict were not judged
  std::string stopped_at;     // where a stop (Ctrl-C/SIGTERM, or the scenario's timeout) found the scenario
  std::string stop_evidence;  // what the boot was still waiting for when a stop found it there
  bool off_stack = false;     // the scenario's `when:` excludes the stack: nothing ran, every check is skipped
};

}  // namespace harness::run
