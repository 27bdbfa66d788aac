#include "harness/driver/docker/swarm_spec.h"

#include "harness/driver/docker/container_spec.h"

namespace harness::driver::docker {
namespace {
// How many leading arguments of a task's Args are container_command()'s wrapper.
constexpr std::size_t k_wrapper_args = 4;

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

nlohmann::json swarm_rollout_spec(nlohmann::json current, const RolloutChange& change,
                                  const std::optional<std::string>& image_id) {
  nlohmann::json& task = current["TaskTemplate"];
  nlohmann::json& container = task["ContainerSpec"];
  if (image_id) container["Image"] = *image_id;
  if (!change.env.empty()) {
    nlohmann::json env = nlohmann::json::array();
    std::map<std::string, std::string> left = change.env;
    for (const auto& entry : container.value("Env", nlohmann::json::array())) {
      const std::string text = entry.is_string() ? entry.get<std::string>() : std::string{};
      const auto it = left.find(text.substr(0, text.find('=')));
      if (it == left.end()) {
        env.push_back(text);
        continue;
      }
      env.push_back(it->first + "=" + it->second);
      left.erase(it);
    }
    for (const auto& [key, value] : left) env.push_back(key + "=" + value);
    container["Env"] = env;
  }
  if (change.command) {
    // The first four are container_command()'s wrapper (/bin/sh -c SCRIPT LOG: the output to the instance's log,
    // the user switched): kept, so the new argv runs as the recipe's did.
    nlohmann::json args = nlohmann::json::array();
    const auto current_args = container.value("Args", nlohmann::json::array());
    for (std::size_t i = 0; i < current_args.size() && i < k_wrapper_args; ++i) args.push_back(current_args[i]);
    for (const auto& arg : *change.command) args.push_back(arg);
    container["Args"] = args;
  }
  const std::int64_t force = task.contains("ForceUpdate") && task["ForceUpdate"].is_number_integer()
                                 ? task["ForceUpdate"].get<std::int64_t>()
                                 : 0;
  task["ForceUpdate"] = force + 1;
  return current;
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
