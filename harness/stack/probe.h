#pragma once
// Runs one health-check probe of a service, as Docker does: `CMD` execs argv, `CMD-SHELL` runs /bin/sh -c,
// in the service's environment (like `docker exec`), killed at `timeout` (a timed-out probe is a failure).
// Or hands the same probe to the engine that runs the service (engine_health_check: Docker's HEALTHCHECK).
#include <string>
#include <vector>

#include "harness/driver/placeholders.h"
#include "harness/driver/service.h"
#include "harness/health/health_state.h"
#include "harness/scenario/model.h"
#include "harness/util/status.h"

namespace harness::stack {

// The probe's command line, placeholders expanded: argv for CMD, /bin/sh -c for CMD-SHELL.
util::Expected<std::vector<std::string>> probe_argv(const scenario::HealthCheck& config,
                                                    const driver::PlaceholderTable& placeholders);

health::ProbeResult run_probe(const scenario::HealthCheck& config, const driver::Service& service,
                              const driver::PlaceholderTable& placeholders);

// A check an engine can run as it is written: Docker's keys (a Kubernetes probe has rules Docker lacks:
// successThreshold, the kubelet's defaults), with a test.
bool engine_can_probe(const scenario::HealthCheck& config);
// The same probe for the engine to run: in the instance's exec environment and working directory (set by the
// command, `cd DIR && exec env K=V... ARGV`, since the engine runs it with the container's), with the check's
// timing.
util::Expected<driver::EngineHealthCheck> engine_health_check(const scenario::HealthCheck& config,
                                                              const driver::Service& service,
                                                              const driver::PlaceholderTable& placeholders);

}  // namespace harness::stack
