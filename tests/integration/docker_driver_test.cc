// The docker driver against a real engine (scripts/dockerd starts a private one; scripts/images builds the image;
// scripts/test does both before the suite): scenarios give the same verdicts as under the local driver, and no
// container, process or port is left after a run, whichever way it ends.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "harness/datastore/http_client.h"
#include "harness/driver/docker/container_spec.h"
#include "harness/driver/docker/engine.h"
#include "harness/driver/docker/host_network.h"
#include "harness/process/ports.h"
#include "tests/integration/cli_harness.h"

namespace {

using test::run_cli;

// The containers of the harness on the engine (every run's, or `run_id`'s).
std::vector<std::string> harness_containers(const std::string& run_id = {}) {
  auto engine = harness::driver::docker::Engine::connect();
  if (!engine) return {"(no engine: " + engine.error().message() + ")"};
  const std::string label = run_id.empty() ? harness::driver::docker::k_label_run
                                           : std::string(harness::driver::docker::k_label_run) + "=" + run_id;
  auto reply = engine->call("GET", "/containers/json?all=1&filters=" +
                                       harness::datastore::url_encode(nlohmann::json{{"label", {label}}}.dump()));
  std::vector<std::string> ids;
  if (reply && reply->body.is_array())
    for (const auto& c : reply->body) ids.push_back(c.value("Id", ""));
  return ids;
}

#define REQUIRE_ENGINE()                                                                                         \
  do {                                                                                                           \
    auto engine = harness::driver::docker::Engine::connect();                                                    \
    ASSERT_TRUE(engine) << engine.error().message();                                                             \
  } while (0)

test::Run run_docker(const std::vector<std::string>& scenarios, const test::fs::path& root) {
  std::vector<std::string> args{"--driver", "docker", "run"};
  for (const auto& s : scenarios) args.push_back((test::source_dir() / "scenarios" / s).string());
  args.insert(args.end(), {"--report-dir", root.string()});
  test::Run run;
  run.cli = run_cli(args, std::chrono::seconds{600});
  if (test::fs::exists(root / "latest")) {
    run.dir = test::latest_run(root);
    run.junit = test::read_file(run.dir / "junit.xml");
  }
  return run;
}

TEST(DockerDriver, runs_the_smoke_scenario_and_leaves_no_container_process_or_port) {
  REQUIRE_ENGINE();
  test::TempDir dir;
  const auto run = run_docker({"smoke.yaml"}, dir.path() / "reports");
  EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_NE(run.junit.find("<property name=\"driver\" value=\"docker\" />"), std::string::npos) << run.junit;
  const std::string history = test::read_file(run.dir / "smoke" / "history.jsonl");
  EXPECT_NE(history.find("\"container\":"), std::string::npos);  // service.started names its container
  EXPECT_TRUE(harness_containers().empty());
  for (const int port : test::ports_of_run(run.dir / "smoke")) {
    const auto c = harness::process::LoopbackConnection::connect(static_cast<std::uint16_t>(port),
                                                                std::chrono::milliseconds{200});
    EXPECT_NE(c.result(), harness::process::LoopbackConnection::Result::k_connected) << "port " << port;
  }
}

// A delivery scenario (a worker killed mid-task), a restart loop (the orchestrator's restarts), a broker fault and
// the Sentinel failover: the same verdicts as under the local driver.
TEST(DockerDriver, gives_the_local_verdicts_for_delivery_restart_loop_broker_fault_and_sentinel) {
  REQUIRE_ENGINE();
  test::TempDir dir;
  const auto run = run_docker({"delivery-kill-worker-acks-late.yaml", "incident-003-restart-loop.yaml",
                               "broker-restart-kill-during-load.yaml", "redis-sentinel-failover.yaml"},
                              dir.path() / "reports");
  EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_NE(run.junit.find("tests=\""), std::string::npos);
  EXPECT_EQ(run.junit.find("<failure"), std::string::npos) << run.junit;
  EXPECT_TRUE(harness_containers().empty());
}

// A network fault under docker: the containers (host network) reach the harness's fault proxy on 127.0.0.1 as
// local processes do; the partition cuts worker.1 only, and both checks pass as under the local driver.
TEST(DockerDriver, routes_clients_through_the_fault_proxy_and_gives_the_local_verdict_for_a_partition) {
  REQUIRE_ENGINE();
  test::TempDir dir;
  const auto run = run_docker({"net-worker-partitioned-acks-late.yaml"}, dir.path() / "reports");
  EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_NE(run.junit.find("tests=\"2\" failures=\"0\""), std::string::npos) << run.junit;
  const std::string history = test::read_file(run.dir / "net-worker-partitioned-acks-late" / "history.jsonl");
  EXPECT_NE(history.find("\"cut\":[\"worker.1 -> broker\"]"), std::string::npos);
  EXPECT_TRUE(harness_containers().empty());
}

TEST(DockerDriver, a_check_that_fails_under_the_local_driver_fails_under_docker) {
  REQUIRE_ENGINE();
  test::TempDir dir;
  const auto file = dir.write("fails.yaml", R"(name: fails
services:
  cache: {image: redis}
steps:
  - wait: {ready: [cache]}
checks:
  - name: the cache logged a crash
    log: {service: cache, contains: "this line is never logged"}
)");
  std::vector<std::string> args{"--driver", "docker", "run", file.string(), "--report-dir",
                                (dir.path() / "reports").string()};
  const auto result = run_cli(args);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("FAIL  the cache logged a crash"), std::string::npos) << result.output;
  EXPECT_TRUE(harness_containers().empty());
}

// `exec` with `service:` runs inside the container, as `docker exec`: PID 1 there is the redis-server. The
// same scenario fails under the local driver, where the command runs on the machine.
TEST(DockerDriver, exec_with_a_service_runs_inside_its_container) {
  REQUIRE_ENGINE();
  test::TempDir dir;
  const auto file = dir.write("inside.yaml", R"Y(name: inside
services:
  cache: {image: redis}
steps:
  - wait: {ready: [cache]}
checks:
  - name: the command ran in the cache's container
    exec: {service: cache, command: "grep -q redis-server /proc/1/cmdline && echo inside-$(redis-cli -p {{cache.port}} -a {{cache.password}} --no-auth-warning ping)", output_contains: inside-PONG}
)Y");
  const auto docker = run_cli({"--driver", "docker", "run", file.string(), "--report-dir",
                               (dir.path() / "docker").string()});
  EXPECT_EQ(docker.exit_code, 0) << docker.output;
  const auto local = run_cli({"run", file.string(), "--report-dir", (dir.path() / "local").string()});
  EXPECT_EQ(local.exit_code, 1) << local.output;
}

TEST(DockerDriver, no_engine_is_exit_3_naming_the_socket_and_how_to_start_one) {
  test::TempDir dir;
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY, "--driver", "docker", "run",
                  (test::source_dir() / "scenarios" / "smoke.yaml").string(), "--report-dir",
                  (dir.path() / "reports").string()};
  options.environment = {{"DOCKER_HOST", "unix://" + (dir.path() / "none.sock").string()}};
  const auto result = harness::process::run_command(options, std::chrono::seconds{60});
  ASSERT_TRUE(result.status);
  EXPECT_EQ(result.status->code, 3) << result.output;
  EXPECT_NE(result.output.find("no Docker engine answers at unix://" + (dir.path() / "none.sock").string()),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("scripts/dockerd start"), std::string::npos) << result.output;
}

TEST(DockerDriver, a_missing_image_is_exit_3_naming_it_and_how_to_build_it) {
  REQUIRE_ENGINE();
  test::TempDir dir;
  const auto result = run_cli({"--driver", "docker", "--image", "celery-chaos/none:missing", "run",
                               (test::source_dir() / "scenarios" / "smoke.yaml").string(), "--report-dir",
                               (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("image celery-chaos/none:missing is not present"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("scripts/images"), std::string::npos) << result.output;
}

// An image without the services' programs (the debootstrap base scripts/images builds the stack image from): the
// service exits 127, and the error names the image and, in the log's last lines, the program.
TEST(DockerDriver, an_image_that_lacks_a_services_program_is_exit_3_naming_the_image_and_the_program) {
  REQUIRE_ENGINE();
  auto engine = harness::driver::docker::Engine::connect();
  auto base = engine->call("GET", "/images/celery-chaos/base:bookworm/json");
  if (!base || base->status != 200) GTEST_SKIP() << "celery-chaos/base:bookworm not present (scripts/images makes it)";
  test::TempDir dir;
  const auto file = dir.write("lacking.yaml", "name: lacking\nservices:\n  cache: {image: redis}\n"
                                              "steps:\n  - wait: {ready: all, timeout: 20s}\n");
  const auto result = run_cli({"--driver", "docker", "--image", "celery-chaos/base:bookworm", "run", file.string(),
                               "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("service 'cache' exited with exit code 127 in image celery-chaos/base:bookworm, which "
                               "lacks the program its log names"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("/usr/bin/redis-server: not found"), std::string::npos) << result.output;
  EXPECT_TRUE(harness_containers().empty());
}

// Testcontainers' Ryuk: a harness SIGKILLed mid-run leaves its containers; the next run proves it dead (its owner
// mark) and removes them.
TEST(DockerDriver, the_next_run_removes_the_containers_of_a_killed_harness) {
  REQUIRE_ENGINE();
  test::TempDir dir;
  const auto file = dir.write("long.yaml", R"(name: long
services:
  cache: {image: redis}
steps:
  - wait: {ready: [cache]}
  - wait: 5m
checks:
  - name: never judged
    log: {service: cache, contains: "Ready to accept connections"}
)");
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY, "--driver", "docker", "run", file.string(), "--report-dir",
                  (dir.path() / "reports").string()};
  options.log_file = dir.path() / "harness.log";
  auto harness = harness::process::ChildProcess::spawn(options);
  ASSERT_TRUE(harness);
  ASSERT_TRUE(test::eventually([] { return !harness_containers().empty(); }, std::chrono::seconds{60}))
      << test::read_file(dir.path() / "harness.log");
  (*harness)->signal(SIGKILL);
  ASSERT_TRUE((*harness)->wait_for(std::chrono::seconds{10}));
  EXPECT_FALSE(harness_containers().empty());  // nothing removed them: the harness had no chance

  const auto next = run_docker({"smoke.yaml"}, dir.path() / "reports2");
  EXPECT_EQ(next.cli.exit_code, 0) << next.cli.output;
  EXPECT_TRUE(harness_containers().empty());
}

// --keep under the docker driver: the run's containers stay, stopped (nothing of the run runs on), labelled
// celery-chaos.keep, and the next run's sweep of a dead harness's containers leaves them; the run folder they
// bind-mount stays too.
TEST(DockerDriver, keep_leaves_the_runs_containers_stopped_and_no_later_sweep_removes_them) {
  REQUIRE_ENGINE();
  auto engine = harness::driver::docker::Engine::connect();
  test::TempDir dir;
  const auto work = dir.path() / "work";
  const auto kept = [&engine] {
    auto reply = engine->call("GET", "/containers/json?all=1&filters=" +
                                         harness::datastore::url_encode(
                                             nlohmann::json{{"label", {harness::driver::docker::k_label_keep}}}.dump()));
    return reply && reply->body.is_array() ? reply->body : nlohmann::json::array();
  };
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY, "--driver", "docker", "--keep", "run",
                  (test::source_dir() / "scenarios" / "smoke.yaml").string(), "--report-dir",
                  (dir.path() / "reports").string()};
  options.environment = {{"CELERY_CHAOS_WORK_DIR", work.string()}};
  const auto result = harness::process::run_command(options, std::chrono::seconds{300});
  ASSERT_TRUE(result.status);
  EXPECT_EQ(result.status->code, 0) << result.output;
  const auto containers = kept();
  EXPECT_GE(containers.size(), 2u);  // smoke's broker and worker at least
  for (const auto& c : containers) EXPECT_NE(c.value("State", ""), "running") << c.dump();
  EXPECT_EQ(harness_containers().size(), containers.size());  // every container of the run, and only them

  // The harness that made them is dead now: a run that sweeps dead harnesses' containers leaves these.
  const auto next = run_docker({"smoke.yaml"}, dir.path() / "reports2");
  EXPECT_EQ(next.cli.exit_code, 0) << next.cli.output;
  EXPECT_EQ(kept().size(), containers.size());
  for (const auto& c : containers)
    (void)engine->call("DELETE", "/containers/" + c.value("Id", "") + "?force=1&v=1");
  EXPECT_TRUE(harness_containers().empty());
}

// The host-network proof the driver runs on Docker Desktop (host_network.h), here on a Linux engine: a container
// on the host network reaches a port the harness listens on, and fails to reach one where nothing listens (what a
// VM's separate loopback looks like from the container).
TEST(DockerDriver, a_container_on_the_host_network_reaches_the_harnesss_loopback) {
  REQUIRE_ENGINE();
  auto engine = harness::driver::docker::Engine::connect();
  const std::string image = "celery-chaos/services:bookworm";
  EXPECT_TRUE(harness::driver::docker::check_host_network(*engine, image, "test"));
  std::uint16_t closed = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
    closed = acceptor.local_endpoint().port();
  }
  const auto refused = harness::driver::docker::connect_from_container(*engine, image, closed);
  ASSERT_TRUE(refused) << refused.error().message();
  EXPECT_FALSE(refused->succeeded());
  EXPECT_NE(refused->output.find("ConnectionRefusedError"), std::string::npos) << refused->output;
  EXPECT_TRUE(harness_containers().empty());
}

// The trixie stack (issue 13): Celery 5.5, kombu 5.5, RabbitMQ 4.0, Redis 8, PostgreSQL 17, all from the image
// (its PostgreSQL found in the image and its template made by the image's initdb). scripts/test builds the image.
TEST(DockerDriver, smoke_passes_on_the_trixie_stack_with_its_own_versions) {
  REQUIRE_ENGINE();
  test::TempDir dir;
  const auto result = run_cli({"--driver", "docker", "--image", "celery-chaos/services:trixie", "run",
                               (test::source_dir() / "scenarios" / "smoke.yaml").string(), "--report-dir",
                               (dir.path() / "reports").string()},
                              std::chrono::seconds{300});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const std::string junit = test::read_file(test::latest_run(dir.path() / "reports") / "junit.xml");
  EXPECT_NE(junit.find("<property name=\"version.celery\" value=\"5.5."), std::string::npos) << junit;
  EXPECT_NE(junit.find("<property name=\"version.rabbitmq\" value=\"4."), std::string::npos) << junit;
  EXPECT_NE(junit.find("<property name=\"version.postgres\" value=\"17."), std::string::npos) << junit;
  EXPECT_TRUE(harness_containers().empty());
}

// A load's publisher runs in a container of the stack's image (Service::spawn_client): on the trixie stack it
// publishes with kombu 5.5, not with the kombu of the machine the harness runs on; the container goes with the run.
// The same load under the local driver is a process of the machine, with its kombu (5.2 on Debian 12).
TEST(DockerDriver, a_load_publishes_from_a_container_with_the_stacks_kombu) {
  REQUIRE_ENGINE();
  test::TempDir dir;
  const auto scenario = dir.write("load.yaml", R"(name: load-in-stack
services:
  broker: {image: rabbitmq}
  worker: {image: celery-worker, broker: broker}
steps:
  - wait: {ready: all, timeout: 90s}
  - name: burst
    load: {task: probe.record, count: 5}
  - wait: {drained: true, timeout: 60s}
checks:
  - name: every task ran once
    delivery: {load: burst, lost: 0, duplicated: 0}
)");
  const auto run_with = [&](std::vector<std::string> args, const std::string& reports) {
    args.insert(args.end(), {"run", scenario.string(), "--report-dir", (dir.path() / reports).string()});
    const auto result = run_cli(args, std::chrono::seconds{300});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    std::map<std::string, nlohmann::json> events;
    std::ifstream in(test::latest_run(dir.path() / reports) / "load-in-stack" / "history.jsonl");
    for (std::string line; std::getline(in, line);) {
      auto event = nlohmann::json::parse(line, nullptr, false);
      if (event.is_object()) events[event.value("type", "")] = event.value("data", nlohmann::json::object());
    }
    return events;
  };
  const auto trixie = run_with({"--driver", "docker", "--image", "celery-chaos/services:trixie"}, "trixie");
  ASSERT_TRUE(trixie.count("load.end"));
  EXPECT_FALSE(trixie.at("load.begin").at("client").value("container", "").empty()) << trixie.at("load.begin");
  EXPECT_EQ(trixie.at("load.end").at("client_versions").value("kombu", "").rfind("5.5.", 0), 0u)
      << trixie.at("load.end");
  EXPECT_TRUE(harness_containers().empty());

  const auto local = run_with({}, "local");
  ASSERT_TRUE(local.count("load.end"));
  EXPECT_FALSE(local.at("load.begin").at("client").contains("container")) << local.at("load.begin");
  EXPECT_EQ(local.at("load.end").at("client_versions").value("kombu", "").rfind("5.2.", 0), 0u)
      << local.at("load.end");
}

}  // namespace
