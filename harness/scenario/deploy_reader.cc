#include "harness/scenario/deploy_reader.h"

#include <algorithm>
#include <string>
#include <vector>

namespace harness::scenario {

namespace {

// The keys of each map the harness reads, in Compose's documentation order, and the Compose keys Swarm has that it
// does not read yet.
const std::vector<std::string_view> k_deploy_keys{"mode", "replicas", "restart_policy", "update_config"};
const std::vector<std::string_view> k_deploy_unsupported{"placement", "resources", "labels", "endpoint_mode",
                                                         "rollback_config"};
const std::vector<std::string_view> k_modes{"replicated"};  // a pasted stack file's; global is not supported
const std::vector<std::string_view> k_restart_policy_keys{"condition", "delay", "max_attempts", "window"};
const std::vector<std::string_view> k_update_config_keys{"parallelism", "delay", "failure_action", "monitor", "order"};
const std::vector<std::string_view> k_update_config_unsupported{"max_failure_ratio"};

const std::vector<std::string_view> k_conditions{"none", "on-failure", "any"};
const std::vector<std::string_view> k_orders{"stop-first", "start-first"};
const std::vector<std::string_view> k_failure_actions{"pause", "continue", "rollback"};

// One map of Compose keys at `path` ("deploy", "deploy.update_config"): reports "MUST_BE, got ..." when it is not a
// map; each key of `unsupported` as "'deploy.placement' of service 'w' is not supported by the harness yet
// (supported: ...)"; any other key not in `known` as unknown, with a did-you-mean among `known`.
std::optional<MapView> read_compose_map(YamlReader& reader, const MapEntry& entry, std::string_view must_be,
                                        std::string_view path, std::string_view service,
                                        const std::vector<std::string_view>& known,
                                        const std::vector<std::string_view>& unsupported = {}) {
  if (!entry.value.IsMap()) {
    reader.error(entry.location, std::string(must_be) + ", got " + describe(entry.value));
    return std::nullopt;
  }
  std::optional<MapView> map(std::in_place, reader, entry.value);
  const std::string of_service = " of service " + quote(service);
  for (const auto& e : map->entries()) {
    if (std::find(known.begin(), known.end(), e.key) != known.end()) continue;
    if (std::find(unsupported.begin(), unsupported.end(), e.key) != unsupported.end())
      reader.error(e.key_location, quote(std::string(path) + "." + e.key) + of_service +
                                       " is not supported by the harness yet (supported: " + join(known) + ")");
    else
      report_unknown_key(reader, e, known, std::string(path) + of_service);
  }
  return map;
}

// `restart_policy: {condition, delay, max_attempts, window}`: Swarm's restart policy.
std::optional<DeployRestartPolicy> read_restart_policy(YamlReader& reader, const MapEntry& entry,
                                                       std::string_view service) {
  auto map = read_compose_map(reader, entry, "'restart_policy' must be a map with condition, delay, max_attempts or "
                                             "window", "deploy.restart_policy", service, k_restart_policy_keys);
  if (!map) return std::nullopt;
  DeployRestartPolicy policy;
  policy.location = entry.key_location;
  bool ok = true;
  if (const MapEntry* e = map->find("condition"))
    assign_or_fail(read_choice(reader, *e, k_conditions), policy.condition, ok);
  if (const MapEntry* e = map->find("delay"))
    assign_or_fail(read_duration(reader, *e, DurationRule::k_any), policy.delay, ok);
  if (const MapEntry* e = map->find("max_attempts")) assign_or_fail(read_int(reader, *e, 0), policy.max_attempts, ok);
  if (const MapEntry* e = map->find("window"))
    assign_or_fail(read_duration(reader, *e, DurationRule::k_any), policy.window, ok);
  if (!ok) return std::nullopt;
  return policy;
}

// `update_config: {parallelism, delay, failure_action, monitor, order}`: Swarm's rolling update. `monitor: 0s` would
// be Swarm's default (5 s) in disguise: it must be positive.
std::optional<DeployUpdateConfig> read_update_config(YamlReader& reader, const MapEntry& entry,
                                                     std::string_view service) {
  auto map = read_compose_map(reader, entry, "'update_config' must be a map with parallelism, delay, failure_action, "
                                             "monitor or order", "deploy.update_config", service, k_update_config_keys,
                              k_update_config_unsupported);
  if (!map) return std::nullopt;
  DeployUpdateConfig update;
  update.location = entry.key_location;
  bool ok = true;
  if (const MapEntry* e = map->find("parallelism")) assign_or_fail(read_int(reader, *e, 0), update.parallelism, ok);
  if (const MapEntry* e = map->find("delay"))
    assign_or_fail(read_duration(reader, *e, DurationRule::k_any), update.delay, ok);
  if (const MapEntry* e = map->find("failure_action"))
    assign_or_fail(read_choice(reader, *e, k_failure_actions), update.failure_action, ok);
  if (const MapEntry* e = map->find("monitor")) assign_or_fail(read_duration(reader, *e), update.monitor, ok);
  if (const MapEntry* e = map->find("order")) assign_or_fail(read_choice(reader, *e, k_orders), update.order, ok);
  if (!ok) return std::nullopt;
  return update;
}

}  // namespace

std::optional<Deploy> read_deploy(YamlReader& reader, const MapEntry& entry, std::string_view service) {
  auto map = read_compose_map(reader, entry, "'deploy' must be a map of Compose deploy keys (replicas, restart_policy "
                                             "or update_config)", "deploy", service, k_deploy_keys,
                              k_deploy_unsupported);
  if (!map) return std::nullopt;
  Deploy deploy;
  deploy.location = entry.key_location;
  // Each part on its own: a bad one is reported and left out, and the others are kept (deploy.replicas is still
  // judged against the service's `replicas:`).
  if (const MapEntry* e = map->find("mode")) (void)read_choice(reader, *e, k_modes);
  if (const MapEntry* e = map->find("replicas"))
    if (auto replicas = read_int(reader, *e, 1)) deploy.replicas = static_cast<int>(*replicas);
  if (const MapEntry* e = map->find("restart_policy")) deploy.restart_policy = read_restart_policy(reader, *e, service);
  if (const MapEntry* e = map->find("update_config")) deploy.update_config = read_update_config(reader, *e, service);
  return deploy;
}

}  // namespace harness::scenario
