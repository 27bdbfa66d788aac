// Runs a `fault` step (scenario/fault_reader.cc reads it): applies the fault through its registered kind and
// keeps its inverse in the run's ActiveFaults (cleared after the step's `for:`, or at teardown). A fault with
// `replica: random` acts on one instance, chosen here with the run's seeded Random.
#include "harness/run/fault_step.h"

#include "harness/fault/fault_injector.h"
#include "harness/run/step_kind.h"

namespace harness::run {

util::Expected<scenario::FaultStep> choose_replica(const scenario::FaultStep& fault, const stack::Stack& stack,
                                                   Random& random) {
  if (!fault.random_replica) return fault;
  auto instances = fault::fault_targets(stack, fault.service);
  if (!instances) return instances.error();
  scenario::FaultStep chosen = fault;
  chosen.chosen_from = fault.service;
  chosen.service = (*instances)[random.below(instances->size())]->name();
  return chosen;
}

namespace {

std::string run_fault(const scenario::Step& step, std::size_t, stack::Stack& stack, RunContext& ctx,
                      ActiveFaults& faults) {
  const auto& written = scenario::params_of<scenario::FaultStep>(step);
  auto fault = choose_replica(written, stack, ctx.random);
  if (!fault) return "fault '" + written.kind + "' could not be applied: " + fault.error().message();
  auto clearer = fault::apply_fault(*fault, stack, ctx.history);
  if (!clearer) return "fault '" + fault->kind + "' could not be applied: " + clearer.error().message();
  faults.add(*clearer, step.for_, ctx.control);
  return {};
}

const bool k_registered = step_kinds().add({.name = "fault", .run = run_fault});

}  // namespace

}  // namespace harness::run
