#pragma once
// The teardown phase of a scenario run: what the report needs from the services while they still run, then,
// once the Stack has stopped them, whatever of the run is left killed through the driver and its private data
// removed (kept with --keep).
#include "harness/driver/driver.h"
#include "harness/history/history.h"
#include "harness/report/scenario_report.h"
#include "harness/stack/stack.h"

namespace harness::run {

// The services' versions (report properties version.<kind>, "celery" for workers) and the tail of each log.
void record_services(const stack::Stack& stack, report::ScenarioReport& report);

// Kills what the run left (Driver::kill_leftovers, recorded as run.cleanup {swept_pids}), then removes the
// run's work dir, or with `keep` leaves it and its owner record goes (no sweep removes a folder kept on purpose).
void release_run(driver::Driver& driver, const driver::RunPaths& paths, bool keep, history::History& history);

}  // namespace harness::run
