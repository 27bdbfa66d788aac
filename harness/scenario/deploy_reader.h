#pragma once
// Reads a service's `deploy:`: Docker Compose's deploy keys verbatim, as a stack file has them (replicas,
// restart_policy {condition, delay, max_attempts, window}, update_config {parallelism, delay, failure_action, monitor,
// order}), for the swarm driver. The Compose keys Swarm has that the harness does not take yet (mode, placement,
// resources, labels, endpoint_mode, rollback_config; update_config's max_failure_ratio) are errors that say so, not
// ignored. How `deploy.replicas` meets the service's kind and its `replicas:` is the service reader's to judge.
#include <optional>
#include <string_view>

#include "harness/scenario/model.h"
#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

// nullopt when `deploy:` is not a map (reported); otherwise the parts that could be read, each bad value reported and
// left out (a restart_policy or update_config with one is left out whole). `service`: the service's name, for
// messages.
std::optional<Deploy> read_deploy(YamlReader& reader, const MapEntry& entry, std::string_view service);

}  // namespace harness::scenario
