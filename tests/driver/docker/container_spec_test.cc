#include "harness/driver/docker/container_spec.h"

#include <gtest/gtest.h>

namespace harness::driver::docker {
namespace {

local::Launch worker_launch() {
  local::Launch launch;
  launch.instance = "worker.1";
  launch.kind = "celery-worker";
  launch.options.argv = {"/bin/sh", "-c", "exec celery -A probe worker"};
  launch.options.environment = {{"CELERY_BROKER_URL", "amqp://u:p@127.0.0.1:5672//"}, {"TMPDIR", "/mine"}};
  launch.options.log_file = "/runs/r1/logs/worker.1.log";
  launch.options.working_directory = "/src/fixtures/celery";
  return launch;
}

ContainerSettings settings() {
  ContainerSettings s;
  s.image = "celery-chaos/services:bookworm";
  s.binds = {"/runs/r1"};
  s.readonly_binds = {"/src/fixtures/celery"};
  s.run_id = "r1";
  s.owner = "10:20:4026531836:boot";
  s.run_environment = {{"TMPDIR", "/runs/r1/tmp"}, {"TMP", "/runs/r1/tmp"}};
  s.marks = {{"CELERY_CHAOS_OWNER", "10:20:4026531836:boot"}, {"CELERY_CHAOS_RUN", "r1"}};
  return s;
}

TEST(ContainerSpec, runs_the_recipe_argv_with_its_output_appended_to_the_log) {
  const auto command = container_command(worker_launch());
  const std::vector<std::string> expected{"/bin/sh", "-c", "exec >>\"$0\" 2>&1; exec \"$@\"",
                                          "/runs/r1/logs/worker.1.log", "/bin/sh", "-c",
                                          "exec celery -A probe worker"};
  EXPECT_EQ(command, expected);
}

TEST(ContainerSpec, switches_user_with_setpriv_after_opening_the_log) {
  auto launch = worker_launch();
  launch.options.run_as_user = "postgres";
  launch.options.log_file.clear();
  const auto command = container_command(launch);
  EXPECT_EQ(command[2],
            "exec >>\"$0\" 2>&1; exec setpriv --reuid=postgres --regid=postgres --init-groups \"$@\"");
  EXPECT_EQ(command[3], "/dev/null");
}

TEST(ContainerSpec, is_on_the_host_network_with_the_run_folders_at_the_same_paths) {
  const auto body = container_create_body(worker_launch(), settings());
  EXPECT_EQ(body["Image"], "celery-chaos/services:bookworm");
  EXPECT_EQ(body["HostConfig"]["NetworkMode"], "host");
  EXPECT_EQ(body["HostConfig"]["RestartPolicy"]["Name"], "no");
  EXPECT_EQ(body["HostConfig"]["Binds"],
            nlohmann::json::array({"/runs/r1:/runs/r1", "/src/fixtures/celery:/src/fixtures/celery:ro"}));
  EXPECT_EQ(body["WorkingDir"], "/src/fixtures/celery");
}

TEST(ContainerSpec, carries_the_run_and_owner_labels_and_marks) {
  const auto body = container_create_body(worker_launch(), settings());
  EXPECT_EQ(body["Labels"][k_label_run], "r1");
  EXPECT_EQ(body["Labels"][k_label_owner], "10:20:4026531836:boot");
  EXPECT_EQ(body["Labels"][k_label_instance], "worker.1");
  EXPECT_EQ(body["Labels"][k_label_kind], "celery-worker");
  const auto& env = body["Env"];
  auto has = [&](const std::string& entry) { return std::find(env.begin(), env.end(), entry) != env.end(); };
  EXPECT_TRUE(has("CELERY_CHAOS_RUN=r1"));
  EXPECT_TRUE(has("CELERY_CHAOS_OWNER=10:20:4026531836:boot"));
  EXPECT_TRUE(has("TMP=/runs/r1/tmp"));
  EXPECT_TRUE(has("TMPDIR=/mine"));  // the recipe's own environment wins over the run's, as for a child process
}

TEST(ContainerSpec, a_child_run_as_another_user_does_not_get_the_run_environment) {
  auto launch = worker_launch();
  launch.options.run_as_user = "postgres";
  const auto env = container_create_body(launch, settings())["Env"];
  EXPECT_EQ(std::find(env.begin(), env.end(), "TMP=/runs/r1/tmp"), env.end());
}

TEST(ContainerSpec, an_own_image_keeps_its_path_working_directory_and_python_path) {
  auto launch = worker_launch();
  launch.image = "myorg/app:1.4";
  launch.options.environment["PATH"] = "/runs/r1/worker/bin:/usr/bin:/bin";
  launch.options.environment["PYTHONPATH"] = "/src/fixtures/celery";
  auto s = settings();
  s.image = "myorg/app:1.4";
  s.own_image_environment = {{"PATH", "/opt/venv/bin:/usr/bin"}, {"PYTHONPATH", "/opt/team/lib"}};
  const auto body = container_create_body(launch, s);
  EXPECT_EQ(body["Image"], "myorg/app:1.4");
  EXPECT_FALSE(body.contains("WorkingDir"));  // the image's WORKDIR: its app's folder
  const auto& env = body["Env"];
  auto has = [&](const std::string& entry) { return std::find(env.begin(), env.end(), entry) != env.end(); };
  EXPECT_TRUE(has("PYTHONPATH=/src/fixtures/celery:/opt/team/lib"));
  for (const auto& entry : env) EXPECT_FALSE(entry.get<std::string>().starts_with("PATH=")) << entry;
}

TEST(ContainerSpec, the_stack_image_gets_the_recipes_path) {
  auto launch = worker_launch();
  launch.options.environment["PATH"] = "/runs/r1/worker/bin:/usr/bin:/bin";
  const auto env = container_create_body(launch, settings())["Env"];
  EXPECT_NE(std::find(env.begin(), env.end(), "PATH=/runs/r1/worker/bin:/usr/bin:/bin"), env.end());
}

TEST(ContainerSpec, names_are_what_docker_accepts) {
  EXPECT_EQ(container_name("20261127-1-ab", "worker.1", 3), "cc-20261127-1-ab-worker.1-3");
  EXPECT_EQ(container_name("r", "a b/c@d", 1), "cc-r-a-b-c-d-1");
}

EngineHealthCheck probe_check() {
  EngineHealthCheck check;
  check.argv = {"/bin/sh", "-c", "celery -A probe inspect ping"};
  check.interval = std::chrono::seconds{2};
  check.timeout = std::chrono::seconds{10};
  check.start_period = std::chrono::seconds{5};
  check.start_interval = std::chrono::seconds{1};
  check.retries = 2;
  return check;
}

TEST(ContainerSpec, a_launch_with_a_health_check_is_a_container_healthcheck_in_nanoseconds) {
  auto launch = worker_launch();
  EXPECT_FALSE(container_create_body(launch, settings()).contains("Healthcheck"));
  launch.healthcheck = probe_check();
  const auto body = container_create_body(launch, settings());
  EXPECT_EQ(body["Healthcheck"]["Test"],
            nlohmann::json::array({"CMD", "/bin/sh", "-c", "celery -A probe inspect ping"}));
  EXPECT_EQ(body["Healthcheck"]["Interval"], 2'000'000'000LL);
  EXPECT_EQ(body["Healthcheck"]["Timeout"], 10'000'000'000LL);
  EXPECT_EQ(body["Healthcheck"]["StartPeriod"], 5'000'000'000LL);
  EXPECT_EQ(body["Healthcheck"]["Retries"], 2);
  // API 1.41 (Engine 20.10) has no StartInterval: it is left out, and the limit is said.
  EXPECT_FALSE(body["Healthcheck"].contains("StartInterval"));
  EXPECT_EQ(healthcheck_limits(probe_check(), "1.41"),
            "start_interval needs Docker API 1.44 (Engine 25); this engine speaks 1.41, which probes every interval "
            "during the start period");
}

TEST(ContainerSpec, an_engine_of_api_1_44_gets_the_start_interval) {
  auto launch = worker_launch();
  launch.healthcheck = probe_check();
  auto s = settings();
  s.api_version = "1.44";
  EXPECT_EQ(container_create_body(launch, s)["Healthcheck"]["StartInterval"], 1'000'000'000LL);
  EXPECT_EQ(healthcheck_limits(probe_check(), "1.44"), "");
  auto without = probe_check();
  without.start_interval = std::chrono::milliseconds{0};
  EXPECT_EQ(healthcheck_limits(without, "1.41"), "");
}

TEST(ContainerSpec, a_launch_with_a_restart_policy_is_the_containers_own) {
  auto launch = worker_launch();
  launch.restart_policy = "unless-stopped";
  EXPECT_EQ(container_create_body(launch, settings())["HostConfig"]["RestartPolicy"]["Name"], "unless-stopped");
}

}  // namespace
}  // namespace harness::driver::docker
