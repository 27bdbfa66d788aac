#pragma once
// The fault step's choice of a random target (`replica: random`), apart so a test can replay it by seed.
#include "harness/run/random.h"
#include "harness/scenario/model.h"
#include "harness/stack/stack.h"
#include "harness/util/status.h"

namespace harness::run {

// `fault` with its instance chosen when it says `replica: random`: one of fault.service's instances, drawn from
// `random` (the run's, seeded by the scenario's seed, so the same seed and steps choose the same instance), with
// FaultStep::chosen_from set to the service; `fault` unchanged otherwise. k_invalid_input when the service has no
// instance in `stack`.
util::Expected<scenario::FaultStep> choose_replica(const scenario::FaultStep& fault, const stack::Stack& stack,
                                                   Random& random);

}  // namespace harness::run
