#pragma once
// The step kinds, by name: how each runs. A kind's run is one file in run/ (wait_step.cc, exec_step.cc,
// fault_step.cc, load_step.cc) that registers itself at namespace scope:
//
//   const bool k_registered = step_kinds().add({.name = "wait", .run = run_wait});
//
// Its syntax (keys, reader) is in scenario::step_syntaxes() (scenario/step_syntax.h), registered by the kind's
// reader; a new step kind can register both from its one file in run/.
#include <cstddef>
#include <string>
#include <string_view>

#include "harness/run/active_faults.h"
#include "harness/run/run_context.h"
#include "harness/scenario/model.h"
#include "harness/stack/stack.h"
#include "harness/util/registry.h"

namespace harness::run {

// Runs step `index` (from 0) of the scenario; a non-empty string is why it failed (its first line the message,
// the rest details). Faults applied are left in `faults` (cleared after `for:` or at teardown).
using RunStepFn = std::string (*)(const scenario::Step& step, std::size_t index, stack::Stack& stack,
                                  RunContext& ctx, ActiveFaults& faults);

struct StepKind {
  std::string_view name;
  RunStepFn run = nullptr;
};

// Every step kind that can run, by name.
util::Registry<StepKind>& step_kinds();

}  // namespace harness::run
