// The redis service kind: a Redis master, with `replicas:` read replicas and `sentinels:` Sentinels monitoring it;
// a broker or a result backend (and the harness's own ledger).
#include "harness/scenario/service_kind.h"

namespace harness::scenario {
namespace {

// The master NAME (with sentinels also its master name and the sentinels' addresses), NAME.replica-K, and
// NAME.sentinel-K (a sentinel has no password of its own).
std::vector<InstanceKeys> instances(const Service& service) {
  const std::vector<std::string> keys{"host", "port", "password", "url", "dir", "direct_port", "direct_url"};
  std::vector<InstanceKeys> out;
  std::vector<std::string> master = keys;
  if (service.sentinels > 0) master.insert(master.end(), {"master_name", "sentinel_ports", "sentinel_url"});
  out.push_back({service.name, master});
  for (int i = 1; i <= service.redis_replicas; ++i) out.push_back({service.name + ".replica-" + std::to_string(i), keys});
  for (int i = 1; i <= service.sentinels; ++i)
    out.push_back({service.name + ".sentinel-" + std::to_string(i), {"host", "port", "master_name", "dir", "direct_port"}});
  return out;
}

const bool k_registered = service_kinds().add({
    .name = "redis",
    .id = ServiceKind::k_redis,
    .summary = "a Redis server, with read replicas and Sentinels on request (a broker or result backend)",
    .image = {.prefixes = {"redis"}},
    .keys = {"replicas", "sentinels", "down_after"},
    .serves = {"broker", "backend"},
    .instances = instances,
});

}  // namespace
}  // namespace harness::scenario
