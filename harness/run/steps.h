#pragma once
// The steps phase of a scenario run: the steps in order (a wait, an exec, a fault, a load), with the broker
// sampler running, then the loads stopped and the ledger read, while the services still run.
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/run/active_faults.h"
#include "harness/run/run_context.h"
#include "harness/stack/stack.h"

namespace harness::run {

// Where a scenario is, for the message of a stop: "at step 3 (wait, line 12)".
struct StepsOutcome {
  std::string where;        // where the steps ended: "at step N (...)" of the last one begun, or "after the steps"
  std::string failed_step;  // "step N (line L)" when a step failed (the later ones did not run)
};

// Runs the steps in order; a failed step ends them (later steps assume it worked) and is a failed testcase in
// `verdicts`. Faults applied stay in `faults` (cleared at teardown).
StepsOutcome run_steps_phase(stack::Stack& stack, RunContext& ctx, ActiveFaults& faults,
                             std::vector<check::Verdict>& verdicts);

}  // namespace harness::run
