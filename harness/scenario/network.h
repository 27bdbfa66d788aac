#pragma once
// Which services of a scenario are reached through the harness's fault proxy (net/): those that say
// `network: proxied` and those a network fault targets (a fault kind registered with `network = true`,
// scenario/fault_syntax.h). Their clients that the scenario starts (workers, loads and exec steps in a worker)
// connect to a proxy; the harness's own clients go direct (driver/client_routing.h).
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/model.h"

namespace harness::scenario {

// "NAME.peers": the replicas and sentinels of proxied redis service NAME (with `sentinels:`), which reach their
// master through one proxy of their own, and the sentinel-aware clients the sentinels hand that address to
// (driver/client_routing.h). A partition may cut them from the master: a split brain.
inline constexpr std::string_view k_peers_suffix = ".peers";

// Whether `name` is NAME.peers of a redis service with sentinels of `scenario`'s services.
bool is_peers_name(const std::vector<Service>& services, const std::string& name);

// The scenario services (by name, not instance) to route through the proxy; empty when none.
std::set<std::string> proxied_services(const Scenario& scenario);

}  // namespace harness::scenario
