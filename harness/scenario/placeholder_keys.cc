#include "harness/scenario/placeholder_keys.h"

#include <algorithm>
#include <set>

namespace harness::scenario {

namespace {

const std::vector<std::string> k_run_keys{"run.dir", "run.id"};

// An instance of a scenario service as the driver creates it: its name and the keys it offers.
struct Instance {
  std::string name;
  std::vector<std::string> keys;
};

std::string trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return std::string(s.substr(begin, s.find_last_not_of(" \t") - begin + 1));
}

// The instances of `service`, first one first (its values are SERVICE.KEY's).
std::vector<Instance> instances_of(const Service& service) {
  std::vector<Instance> out;
  switch (service.kind) {
    case ServiceKind::k_rabbitmq:
    case ServiceKind::k_postgres: out.push_back({service.name, instance_placeholder_keys(service.kind)}); break;
    case ServiceKind::k_redis:
      out.push_back({service.name, instance_placeholder_keys(service.kind, service.sentinels > 0)});
      for (int i = 1; i <= service.redis_replicas; ++i)
        out.push_back({service.name + ".replica-" + std::to_string(i), instance_placeholder_keys(service.kind)});
      for (int i = 1; i <= service.sentinels; ++i)
        out.push_back({service.name + ".sentinel-" + std::to_string(i),
                       instance_placeholder_keys(service.kind, false, true)});
      break;
    case ServiceKind::k_celery_worker:
      for (int i = 1; i <= service.replicas; ++i)
        out.push_back({service.name + "." + std::to_string(i), instance_placeholder_keys(service.kind)});
      break;
  }
  return out;
}

}  // namespace

std::vector<PlaceholderUse> find_placeholders(std::string_view text) {
  std::vector<PlaceholderUse> uses;
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    uses.push_back(PlaceholderUse{open, close + 2 - open, trim(text.substr(open + 2, close - open - 2))});
    pos = close + 2;
  }
  return uses;
}

std::vector<std::string> instance_placeholder_keys(ServiceKind kind, bool sentinel_master, bool sentinel) {
  switch (kind) {
    case ServiceKind::k_rabbitmq:
      return {"host", "port", "user", "password", "vhost", "url", "management_port", "management_url", "node", "dir"};
    case ServiceKind::k_redis:
      if (sentinel) return {"host", "port", "master_name", "dir"};
      if (sentinel_master)
        return {"host", "port", "password", "url", "dir", "master_name", "sentinel_ports", "sentinel_url"};
      return {"host", "port", "password", "url", "dir"};
    case ServiceKind::k_postgres:
      return {"host", "port", "user", "password", "database", "url", "backend_url", "socket_dir", "dir"};
    case ServiceKind::k_celery_worker: return {"node", "python", "broker_url", "backend_url", "fixtures", "app"};
  }
  return {};
}

std::vector<std::string> placeholder_keys(const Scenario& scenario, PlaceholderScope scope) {
  std::set<std::string> keys(k_run_keys.begin(), k_run_keys.end());
  for (const auto& service : scenario.services) {
    if (scope == PlaceholderScope::k_worker_setup && service.kind == ServiceKind::k_celery_worker) continue;
    for (const auto& instance : instances_of(service)) {
      for (const auto& key : instance.keys) {
        keys.insert(service.name + "." + key);  // the first instance's value; every instance's keys
        if (instance.name != service.name) keys.insert(instance.name + "." + key);
        if (key == "node") keys.insert(service.name + ".nodes");
      }
    }
  }
  return {keys.begin(), keys.end()};
}

}  // namespace harness::scenario
