// Runs a `fault` step (scenario/fault_reader.cc reads it): applies the fault through its registered kind and
// keeps its inverse in the run's ActiveFaults (cleared after the step's `for:`, or at teardown).
#include "harness/fault/fault_injector.h"
#include "harness/run/step_kind.h"

namespace harness::run {

namespace {

std::string run_fault(const scenario::Step& step, std::size_t, stack::Stack& stack, RunContext& ctx,
                      ActiveFaults& faults) {
  const auto& fault = scenario::params_of<scenario::FaultStep>(step);
  auto clearer = fault::apply_fault(fault, stack, ctx.history);
  if (!clearer) return "fault '" + fault.kind + "' could not be applied: " + clearer.error().message();
  faults.add(*clearer, step.for_, ctx.control);
  return {};
}

const bool k_registered = step_kinds().add({.name = "fault", .run = run_fault});

}  // namespace

}  // namespace harness::run
