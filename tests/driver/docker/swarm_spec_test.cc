#include "harness/driver/docker/swarm_spec.h"

#include <gtest/gtest.h>

#include "harness/driver/docker/container_spec.h"

namespace harness::driver::docker {
namespace {

using namespace std::chrono_literals;

nlohmann::json worker_container() {
  local::Launch launch;
  launch.instance = "worker.1";
  launch.kind = "celery-worker";
  launch.options.argv = {"/bin/sh", "-c", "exec celery -A probe worker"};
  launch.options.log_file = "/runs/r1/logs/worker.1.log";
  launch.options.working_directory = "/src/fixtures/celery";
  launch.healthcheck = EngineHealthCheck{.argv = {"true"}, .interval = 2s, .timeout = 10s, .retries = 2};
  ContainerSettings settings;
  settings.image = "celery-chaos/services:bookworm";
  settings.binds = {"/runs/r1"};
  settings.readonly_binds = {"/src/fixtures/celery"};
  settings.run_id = "r1";
  settings.owner = "10:20:4026531836:boot";
  return container_create_body(launch, settings);
}

TEST(SwarmSpec, the_docker_drivers_container_is_the_task_template_on_the_host_network_by_image_id) {
  const auto body = worker_container();
  const auto spec = swarm_service_spec("cc-r1-worker-1-1", body, "sha256:abc", EngineOrchestration{});
  EXPECT_EQ(spec["Name"], "cc-r1-worker-1-1");
  EXPECT_EQ(spec["Labels"][k_label_run], "r1");
  const auto& container = spec["TaskTemplate"]["ContainerSpec"];
  EXPECT_EQ(container["Image"], "sha256:abc");  // never pulled by Swarm's agent
  EXPECT_EQ(container["Args"], body["Cmd"]);     // replaces the image's CMD, keeps its ENTRYPOINT, as Cmd does
  EXPECT_EQ(container["Env"], body["Env"]);
  EXPECT_EQ(container["Labels"][k_label_instance], "worker.1");
  EXPECT_EQ(container["Dir"], "/src/fixtures/celery");
  EXPECT_EQ(container["Healthcheck"], body["Healthcheck"]);
  const nlohmann::json mounts = {{{"Type", "bind"}, {"Source", "/runs/r1"}, {"Target", "/runs/r1"}, {"ReadOnly", false}},
                                 {{"Type", "bind"},
                                  {"Source", "/src/fixtures/celery"},
                                  {"Target", "/src/fixtures/celery"},
                                  {"ReadOnly", true}}};
  EXPECT_EQ(container["Mounts"], mounts);
  EXPECT_EQ(spec["TaskTemplate"]["Networks"], nlohmann::json::parse(R"([{"Target": "host"}])"));
  EXPECT_EQ(spec["Mode"]["Replicated"]["Replicas"], 1);
}

TEST(SwarmSpec, restart_policy_and_update_config_are_swarms_with_its_defaults_left_out) {
  EngineOrchestration defaults;
  EXPECT_EQ(swarm_restart_policy(defaults), nlohmann::json::parse(R"({"Condition": "any"})"));
  EngineOrchestration given{.condition = "on-failure", .delay = 1500ms, .max_attempts = 3, .window = 1min};
  EXPECT_EQ(swarm_restart_policy(given), nlohmann::json::parse(R"({"Condition": "on-failure", "Delay": 1500000000,
                                                                   "MaxAttempts": 3, "Window": 60000000000})"));
  given.update_order = "start-first";
  given.update_parallelism = 2;
  given.update_delay = 3s;
  given.update_monitor = 1s;
  EXPECT_EQ(swarm_update_config(given), nlohmann::json::parse(R"({"Parallelism": 2, "Delay": 3000000000,
                                                                  "FailureAction": "pause", "Monitor": 1000000000,
                                                                  "Order": "start-first"})"));
  EXPECT_FALSE(swarm_update_config(defaults).contains("Monitor"));
}

TEST(SwarmSpec, a_rollout_forces_a_new_task_with_the_change_and_keeps_the_rest) {
  const auto body = worker_container();
  auto spec = swarm_service_spec("cc-r1-worker-1-1", body, "sha256:abc", EngineOrchestration{});
  spec["TaskTemplate"]["ContainerSpec"]["Env"] = nlohmann::json::array({"A=1", "RELEASE=1", "B=2"});

  // Nothing changed but the force: Swarm replaces the task all the same (`docker service update --force`).
  const auto forced = swarm_rollout_spec(spec, RolloutChange{}, std::nullopt);
  EXPECT_EQ(forced["TaskTemplate"]["ForceUpdate"], 1);
  auto without_force = forced;
  without_force["TaskTemplate"].erase("ForceUpdate");
  EXPECT_EQ(without_force, spec);
  EXPECT_EQ(swarm_rollout_spec(forced, RolloutChange{}, std::nullopt)["TaskTemplate"]["ForceUpdate"], 2);

  RolloutChange change;
  change.env = {{"RELEASE", "2"}, {"NEW", "x"}};
  change.command = std::vector<std::string>{"/bin/sh", "-c", "exec celery -A probe worker -Q other"};
  const auto rolled = swarm_rollout_spec(spec, change, std::string("sha256:def"));
  const auto& container = rolled["TaskTemplate"]["ContainerSpec"];
  EXPECT_EQ(container["Image"], "sha256:def");
  EXPECT_EQ(container["Env"], nlohmann::json::parse(R"(["A=1", "RELEASE=2", "B=2", "NEW=x"])"));
  // The wrapper that sends the output to the instance's log stays; the argv after it is the new one.
  const auto& args = container["Args"];
  ASSERT_EQ(args.size(), 7u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(args[i], body["Cmd"][i]);
  EXPECT_EQ(args[6], "exec celery -A probe worker -Q other");
  EXPECT_EQ(rolled["UpdateConfig"], spec["UpdateConfig"]);
  EXPECT_EQ(rolled["TaskTemplate"]["RestartPolicy"], spec["TaskTemplate"]["RestartPolicy"]);
}

TEST(SwarmSpec, service_names_are_valid_for_swarm) {
  EXPECT_EQ(swarm_service_name("20261128-1-ab", "cache.replica_1", 7), "cc-20261128-1-ab-cache-replica-1-7");
  const std::string name = swarm_service_name(std::string(80, 'r'), "worker.1", 12);
  EXPECT_LE(name.size(), 63u);
  EXPECT_EQ(name.substr(name.size() - 12), "-worker-1-12");
  EXPECT_NE(name.front(), '-');
}

}  // namespace
}  // namespace harness::driver::docker
