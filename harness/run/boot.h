#pragma once
// The boot phase of a scenario run: its services created by the driver (or taken over from a Prestart, some
// already booting), set up in a Stack with their restart and health policies, and started all at once.
#include <memory>
#include <set>
#include <vector>

#include "harness/driver/driver.h"
#include "harness/run/prestart.h"
#include "harness/run/run_context.h"
#include "harness/stack/stack.h"

namespace harness::run {

struct CreatedServices {
  std::vector<std::unique_ptr<driver::Service>> services;
  std::set<const driver::Service*> running;  // started early by a Prestart (Stack::adopt_running)
};

// The scenario's services: `prestart`'s when there is one (each of its early starts recorded as
// service.prestarted), else new ones from `driver`.
util::Expected<CreatedServices> create_services(driver::Driver& driver, const driver::RunPaths& paths,
                                                Prestart* prestart, RunContext& ctx);

// Before the boot: the run's console, the {{run.dir}} and {{run.id}} placeholders, each instance's policies
// (from its scenario service), and the instances already running.
void configure_stack(stack::Stack& stack, const driver::RunPaths& paths, std::set<const driver::Service*> running,
                     const RunContext& ctx);

// Starts every service and waits (up to the boot timeout, within the scenario's) until all are ready: then
// records stack.ready, calls RunOptions::on_ready and returns true. Otherwise `state` says why (a stop:
// stopped_at and the boot's evidence; a service that did not start: error and skip_reason).
bool boot(stack::Stack& stack, RunContext& ctx, PhaseState& state);

}  // namespace harness::run
