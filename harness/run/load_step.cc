// Runs a `load` step (scenario/load_step.cc reads it): starts publishing in the background (run/load.h) and
// returns; later steps run while it publishes.
#include "harness/run/step_kind.h"

namespace harness::run {

namespace {

std::string run_load(const scenario::Step& step, std::size_t, stack::Stack& stack, RunContext& ctx,
                     ActiveFaults&) {
  auto st = ctx.loads.start(scenario::params_of<scenario::LoadStep>(step), stack, ctx.history, ctx.report_dir);
  return st ? std::string{} : st.message();
}

const bool k_registered = step_kinds().add({.name = "load", .run = run_load});

}  // namespace

}  // namespace harness::run
