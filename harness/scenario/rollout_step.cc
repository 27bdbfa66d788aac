// rollout: `{service, image, env, command, timeout}`: a rolling update of the service's instances by the engine that
// orchestrates them (the swarm driver), in the order of the service's `deploy.update_config`. Runs in
// run/rollout_step.cc.
#include "harness/scenario/duration.h"
#include "harness/scenario/service_reader.h"
#include "harness/scenario/step_syntax.h"

namespace harness::scenario {

namespace {

const std::vector<std::string_view> k_rollout_keys{"service", "image", "env", "command", "timeout"};

std::optional<RolloutStep> read_rollout(YamlReader& reader, const MapEntry& entry,
                                        const std::vector<Service>* services) {
  auto map = read_map(reader, entry, "'rollout' must be a map with service and image, env or command",
                      k_rollout_keys, "rollout step");
  if (!map) return std::nullopt;
  RolloutStep rollout;
  bool ok = true;
  const Service* service =
      read_service_of_kind(reader, *map, "service", services, std::nullopt, "rollout step", rollout.service, ok);
  // Only an instance the engine orchestrates can be rolled out.
  if (service && !is_orchestrated(*service)) {
    reader.error(map->find("service")->location,
                 "rollout step: service " + quote(service->name) + " has no deploy:, restart policy or "
                 "restart_on_unhealthy, so no engine orchestrates it (under --driver swarm only such a service is "
                 "a Swarm service); give it deploy: {update_config: {order: start-first}} or stop-first");
    ok = false;
  }
  if (const MapEntry* e = map->find("image")) assign_or_fail(read_nonempty_string(reader, *e), rollout.image, ok);
  if (const MapEntry* e = map->find("command")) assign_or_fail(read_nonempty_string(reader, *e), rollout.command, ok);
  if (const MapEntry* e = map->find("env")) assign_or_fail(read_environment(reader, *e), rollout.env, ok);
  if (const MapEntry* e = map->find("timeout")) assign_or_fail(read_duration(reader, *e), rollout.timeout, ok);
  if (!ok) return std::nullopt;
  return rollout;
}

const bool k_registered = step_syntaxes().add({.name = "rollout",
                                               .listed_at = 5,
                                               .keys = k_rollout_keys,
                                               .summary = "roll a service's instances out to new tasks (another "
                                                          "image, env or command) in its deploy.update_config order "
                                                          "(swarm driver)",
                                               .read = step_params_reader<read_rollout>});

}  // namespace

}  // namespace harness::scenario
