#pragma once
// Which services of a scenario are reached through the harness's fault proxy (net/): those that say
// `network: proxied` and those a network fault targets (a fault kind registered with `network = true`,
// scenario/fault_syntax.h). Their clients that the scenario starts (workers, loads and exec steps in a worker)
// connect to a proxy; the harness's own clients go direct (driver/client_routing.h).
#include <set>
#include <string>

#include "harness/scenario/model.h"

namespace harness::scenario {

// The scenario services (by name, not instance) to route through the proxy; empty when none.
std::set<std::string> proxied_services(const Scenario& scenario);

}  // namespace harness::scenario
