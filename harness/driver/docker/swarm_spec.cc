#include "harness/driver/docker/swarm_spec.h"

#include "harness/driver/docker/container_spec.h"

namespace harness::driver::docker {
namespace {
long long nanoseconds(std::chrono::milliseconds d) { return static_cast<long long>(d.count()) * 1'000'000; }

// "SRC:DST" or "SRC:DST:ro" (container_create_body's Binds) as a Swarm bind mount.
nlohmann::json mount_of(const std::string& bind) {
  const auto first = bind.find(':');
  const auto second = bind.find(':', first + 1);
  const std::string source = bind.substr(0, first);
  const std::string target = bind.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  const bool readonly = second != std::string::npos && bind.substr(second + 1) == "ro";
  return {{"Type", "bind"}, {"Source", source}, {"Target", target}, {"ReadOnly", readonly}};
}
}  // namespace

nlohmann::json swarm_restart_policy(const EngineOrchestration& orchestration) {
  nlohmann::json policy = {{"Condition", orchestration.condition}};
  if (orchestration.delay) policy["Delay"] = nanoseconds(*orchestration.delay);
  if (orchestration.max_attempts) policy["MaxAttempts"] = *orchestration.max_attempts;
  if (orchestration.window) policy["Window"] = nanoseconds(*orchestration.window);
  return policy;
}

nlohmann::json swarm_update_config(const EngineOrchestration& orchestration) {
  nlohmann::json config = {{"Parallelism", orchestration.update_parallelism},
                           {"Delay", nanoseconds(orchestration.update_delay)},
                           {"FailureAction", orchestration.update_failure_action},
                           {"Order", orchestration.update_order}};
  if (orchestration.update_monitor) config["Monitor"] = nanoseconds(*orchestration.update_monitor);
  return config;
}

nlohmann::json swarm_service_spec(const std::string& name, const nlohmann::json& container_body,
                                  const std::string& image_id, const EngineOrchestration& orchestration) {
  nlohmann::json mounts = nlohmann::json::array();
  for (const auto& bind : container_body["HostConfig"].value("Binds", nlohmann::json::array()))
    if (bind.is_string()) mounts.push_back(mount_of(bind.get<std::string>()));
  // Args, not Command: as a container's Cmd, it replaces the image's CMD and keeps its ENTRYPOINT.
  nlohmann::json container = {{"Image", image_id},
                              {"Args", container_body.value("Cmd", nlohmann::json::array())},
                              {"Env", container_body.value("Env", nlohmann::json::array())},
                              {"Labels", container_body.value("Labels", nlohmann::json::object())},
                              {"Mounts", mounts},
                              {"Init", false}};
  if (container_body.contains("WorkingDir")) container["Dir"] = container_body["WorkingDir"];
  if (container_body.contains("Healthcheck")) container["Healthcheck"] = container_body["Healthcheck"];
  return {
      {"Name", name},
      {"Labels", container_body.value("Labels", nlohmann::json::object())},
      {"TaskTemplate",
       {{"ContainerSpec", container},
        {"RestartPolicy", swarm_restart_policy(orchestration)},
        // Only loopback: the task shares the host's network, as every container of the harness does.
        {"Networks", nlohmann::json::array({{{"Target", "host"}}})}}},
      {"Mode", {{"Replicated", {{"Replicas", 1}}}}},
      {"UpdateConfig", swarm_update_config(orchestration)},
  };
}

std::string swarm_service_name(const std::string& run_id, const std::string& instance, int start_number) {
  std::string name = container_name(run_id, instance, start_number);
  for (char& c : name)
    if (c == '_' || c == '.') c = '-';
  if (name.size() > 63) name = name.substr(name.size() - 63);
  while (!name.empty() && name.front() == '-') name.erase(name.begin());
  return name;
}

}  // namespace harness::driver::docker
