#include "harness/scenario/network.h"

#include <algorithm>

#include "harness/scenario/fault_syntax.h"
#include "harness/scenario/kind_params.h"

namespace harness::scenario {

bool is_peers_name(const std::vector<Service>& services, const std::string& name) {
  if (!name.ends_with(k_peers_suffix)) return false;
  const std::string service = name.substr(0, name.size() - k_peers_suffix.size());
  return std::any_of(services.begin(), services.end(), [&](const Service& s) {
    return s.name == service && s.kind == ServiceKind::k_redis && s.sentinels > 0;
  });
}

std::set<std::string> proxied_services(const Scenario& scenario) {
  std::set<std::string> proxied;
  for (const auto& service : scenario.services)
    if (service.proxied) proxied.insert(service.name);
  for (const auto& step : scenario.steps) {
    const auto* fault_params = params_if<FaultStep>(step);
    if (fault_params == nullptr) continue;
    const FaultStep& fault = *fault_params;
    const FaultSyntax* syntax = fault_syntax().find(fault.kind);
    if (syntax == nullptr || !syntax->network) continue;
    const auto targets =
        syntax->proxied_targets ? syntax->proxied_targets(fault) : std::vector<std::string>{fault.service};
    for (const auto& name : targets) {
      // An instance ("cache.replica-1") is routed with its service.
      const std::string target = scenario.find_service(name) ? name : name.substr(0, name.find('.'));
      if (scenario.find_service(target)) proxied.insert(target);
    }
  }
  return proxied;
}

}  // namespace harness::scenario
