#pragma once
// The body of POST /services/create for one instance under the swarm driver: the same container the docker driver
// would create (container_spec.h: the recipe's command, environment, labels, HEALTHCHECK, the run's folders
// bind-mounted at the same paths) as the task template of a Swarm service of one replica on the host network, with
// Swarm's RestartPolicy and UpdateConfig from the scenario (Compose's `deploy:` keys). Pure: unit-tested without an
// engine.
//
// The image is named by its local id (sha256:...): Swarm's agent pulls a task's image by name before every start
// even when it is present (moby daemon/cluster/executor/container/controller.go, Prepare), which is traffic to a
// registry off the loopback; an image id is never pulled (adapter.go, pullImage).
#include <string>

#include <nlohmann/json.hpp>

#include "harness/driver/service.h"

namespace harness::driver::docker {

// Labels of the harness's Swarm objects besides container_spec.h's: a swarm the harness initialised carries its
// owner (so a later run leaves a dead harness's swarm).
inline constexpr const char* k_label_swarm_owner = "celery-chaos.swarm-owner";
// ... and whether Docker made the docker_gwbridge network for it (removed when the swarm is left).
inline constexpr const char* k_label_swarm_gwbridge = "celery-chaos.swarm-gwbridge";

// `container_body` as container_create_body() makes it; `image_id` what its Image resolves to locally.
nlohmann::json swarm_service_spec(const std::string& name, const nlohmann::json& container_body,
                                  const std::string& image_id, const EngineOrchestration& orchestration);

// The spec `current` (a service's Spec as GET /services/ID returns it) changed for a rollout: Image the local id
// `image_id` when given, `change.env` set over its Env (a variable's old entry replaced, the order kept), the Args
// after container_command()'s wrapper replaced by `change.command`, and TaskTemplate.ForceUpdate one higher so that
// Swarm replaces the task even when nothing else changed (`docker service update --force`).
nlohmann::json swarm_rollout_spec(nlohmann::json current, const RolloutChange& change,
                                  const std::optional<std::string>& image_id);

// Swarm's RestartPolicy ({Condition, Delay, MaxAttempts, Window}, durations in nanoseconds) for `orchestration`;
// what it leaves out is Swarm's default.
nlohmann::json swarm_restart_policy(const EngineOrchestration& orchestration);
// Swarm's UpdateConfig ({Parallelism, Delay, FailureAction, Monitor, Order}).
nlohmann::json swarm_update_config(const EngineOrchestration& orchestration);

// "cc-<run id>-<instance>-<n>" as container_name(), a valid Swarm service name (at most 63 characters, letters,
// digits and '-', not starting or ending with '-').
std::string swarm_service_name(const std::string& run_id, const std::string& instance, int start_number);

}  // namespace harness::driver::docker
