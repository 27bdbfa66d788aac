#pragma once
// Runs one health-check probe of a service, as Docker does: `CMD` execs argv, `CMD-SHELL` runs /bin/sh -c,
// in the service's environment (like `docker exec`), killed at `timeout` (a timed-out probe is a failure).
#include "harness/driver/placeholders.h"
#include "harness/driver/service.h"
#include "harness/health/health_state.h"
#include "harness/scenario/model.h"

namespace harness::stack {

health::ProbeResult run_probe(const scenario::HealthCheck& config, const driver::Service& service,
                              const driver::PlaceholderTable& placeholders);

}  // namespace harness::stack
