// A team's own app, not the fixture's: tests/integration/teamapp (its own module `teamapp`, its own settings
// task_acks_late and prefetch 1, its own task teamapp.charge_invoice). Under the docker driver its worker runs in
// the team's own image (built here FROM the stack's image, removed at the end); under the local driver from its
// folder with `app:` and PYTHONPATH. Either way the harness adds its probe tasks (--include celery_chaos_probe):
// the load, the ledger and the delivery check judge the team's app through a pod kill.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fstream>

#include "harness/datastore/http_client.h"
#include "harness/driver/docker/engine.h"
#include "harness/process/child_process.h"
#include "tests/integration/cli_harness.h"

namespace {

constexpr const char* k_team_image = "celery-chaos-test/teamapp:1";

// The worker of a delivery scenario like delivery-kill-worker-acks-late.yaml (a pod SIGKILLed mid-load), with no
// `config:`: the acks-late setting is the team's own. `worker` is the worker service's keys, indented by 4.
std::string team_delivery_scenario(const std::string& worker) {
  return R"(name: team-app-delivery
timeout: 2m
services:
  broker: {image: rabbitmq}
  worker:
)" + worker + R"(    kind: celery-worker
    broker: broker
    replicas: 2
    restart: unless-stopped
steps:
  - wait: {ready: all, timeout: 90s}
  - load: {task: probe.record, args: [0.5], count: 60, rate: 30/s}
  - wait: {executed: 2, timeout: 60s}
  - fault: {kill: {service: worker, replica: 1, signal: KILL}}
  - wait: {drained: true, timeout: 60s}
checks:
  - name: no task lost under the team's acks_late
    delivery: {lost: 0, duplicated: "<=4", phantom: 0}
  - name: the killed pod was restarted
    restarts: {service: worker, min: 1}
  - name: the team's own task is registered beside the probe tasks
    exec:
      service: worker
      command: celery -A probe inspect registered -d {{worker.2.node}}
      output_contains: teamapp.charge_invoice
  - name: the worker runs the team's app
    log: {service: worker, contains: "app: +teamapp:0x", regex: true}
)";
}

test::Run run_scenario(const std::vector<std::string>& driver, const test::fs::path& file,
                       const test::fs::path& root) {
  std::vector<std::string> args = driver;
  args.insert(args.end(), {"run", file.string(), "--report-dir", root.string()});
  test::Run run;
  run.cli = test::run_cli(args, std::chrono::seconds{600});
  if (test::fs::exists(root / "latest")) {
    run.dir = test::latest_run(root);
    run.junit = test::read_file(run.dir / "junit.xml");
  }
  return run;
}

// The team's image, built with Debian's docker client (/usr/bin/docker; /usr/local/bin/docker may be another,
// newer client) against the engine the harness uses, and removed when the test ends.
class TeamImage {
public:
  explicit TeamImage(const harness::driver::docker::Engine& engine) : m_engine(engine) {
    harness::process::SpawnOptions options;
    options.argv = {"/usr/bin/docker", "build", "--network", "host", "-t", k_team_image,
                    (test::tests_dir() / "integration" / "teamapp").string()};
    options.environment = {{"DOCKER_HOST", "unix://" + engine.socket().string()}};
    m_build = harness::process::run_command(options, std::chrono::seconds{300});
  }
  ~TeamImage() {
    (void)m_engine.call("DELETE", std::string("/images/") + k_team_image + "?force=1");
  }
  const harness::process::CommandResult& build() const { return m_build; }

private:
  const harness::driver::docker::Engine& m_engine;
  harness::process::CommandResult m_build;
};

bool image_present(const harness::driver::docker::Engine& engine, const std::string& image) {
  auto reply = engine.call("GET", "/images/" + image + "/json");
  return reply && reply->status == 200;
}

TEST(DockerUserImage, a_teams_own_worker_image_passes_the_pod_kill_delivery_check) {
  auto engine = harness::driver::docker::Engine::connect();
  ASSERT_TRUE(engine) << engine.error().message();
  test::TempDir dir;
  {
    const TeamImage image(*engine);
    ASSERT_TRUE(image.build().succeeded()) << image.build().output;
    const auto file = dir.write("team.yaml", team_delivery_scenario(std::string("    image: ") + k_team_image + "\n" +
                                                                    "    command: celery -A teamapp worker "
                                                                    "--concurrency 2 --loglevel INFO "
                                                                    "--without-gossip --without-mingle\n"));
    const auto run = run_scenario({"--driver", "docker"}, file, dir.path() / "reports");
    EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
    EXPECT_EQ(run.junit.find("<failure"), std::string::npos) << run.junit;
    // It ran in the team's image: teamapp is importable only there (the image's PYTHONPATH), not on the machine.
    const std::string log = test::read_file(run.dir / "team-app-delivery" / "logs" / "worker.1.log");
    EXPECT_NE(log.find("teamapp.charge_invoice"), std::string::npos) << log;
    EXPECT_NE(log.find("probe.record"), std::string::npos) << log;
  }
  EXPECT_FALSE(image_present(*engine, k_team_image));  // removed: nothing of the test stays in the engine
}

// A team's stack file (README, "Stacks"): its worker_image runs every celery-worker that names no image of its own;
// the reports carry the stack's name.
TEST(DockerUserImage, a_stack_files_worker_image_runs_every_worker_that_names_no_image) {
  auto engine = harness::driver::docker::Engine::connect();
  ASSERT_TRUE(engine) << engine.error().message();
  test::TempDir dir;
  {
    const TeamImage image(*engine);
    ASSERT_TRUE(image.build().succeeded()) << image.build().output;
    const auto stack = dir.write("team-stack.yaml", std::string("name: team-1\nimage: celery-chaos/services:bookworm\n"
                                                                "worker_image: ") +
                                                        k_team_image + "\npull: never\n");
    const auto file = dir.write("team.yaml", team_delivery_scenario("    command: celery -A teamapp worker "
                                                                    "--concurrency 2 --loglevel INFO "
                                                                    "--without-gossip --without-mingle\n"));
    const auto run = run_scenario({"--stack", stack.string()}, file, dir.path() / "reports");
    EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
    EXPECT_NE(run.junit.find("<testsuite name=\"team-app-delivery [team-1]\""), std::string::npos) << run.junit;
    EXPECT_EQ(run.junit.find("<failure"), std::string::npos) << run.junit;
    // teamapp is importable only in the team's image: the worker ran there although it named no image.
    const std::string log = test::read_file(run.dir / "team-1" / "team-app-delivery" / "logs" / "worker.1.log");
    EXPECT_NE(log.find("teamapp.charge_invoice"), std::string::npos) << log;
  }
  EXPECT_FALSE(image_present(*engine, k_team_image));
}

harness::process::CommandResult docker_cli(const harness::driver::docker::Engine& engine,
                                           std::vector<std::string> args) {
  harness::process::SpawnOptions options;
  options.argv = {"/usr/bin/docker"};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.environment = {{"DOCKER_HOST", "unix://" + engine.socket().string()}};
  return harness::process::run_command(options, std::chrono::seconds{300});
}

// A Docker registry on 127.0.0.1 (Debian's docker-registry, the CNCF distribution registry), storing in `dir`;
// killed and reaped with the object. Docker takes 127.0.0.0/8 registries as insecure (plain HTTP) by default.
class LocalRegistry {
public:
  explicit LocalRegistry(const test::fs::path& dir) {
    {
      boost::asio::io_context io;  // a port the kernel gives, released for the registry to bind
      boost::asio::ip::tcp::acceptor acceptor(
          io, boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
      m_port = acceptor.local_endpoint().port();
    }
    const auto config = dir / "registry.yml";
    std::ofstream(config) << "version: 0.1\nlog: {level: warn}\nstorage:\n  filesystem: {rootdirectory: "
                          << (dir / "registry").string() << "}\nhttp: {addr: 127.0.0.1:" << m_port << "}\n";
    harness::process::SpawnOptions options;
    options.argv = {"/usr/bin/docker-registry", "serve", config.string()};
    options.log_file = dir / "registry.log";
    auto spawned = harness::process::ChildProcess::spawn(options);
    if (spawned) m_process = std::move(*spawned);
  }
  bool ready() const {
    if (!m_process) return false;
    return test::eventually([this] {
      harness::datastore::HttpRequest request;
      request.port = m_port;
      request.target = "/v2/";
      auto reply = harness::datastore::http_request(request);
      return reply && reply->status == 200;
    }, std::chrono::seconds{20});
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(m_port); }

private:
  std::uint16_t m_port = 0;
  std::unique_ptr<harness::process::ChildProcess> m_process;
};

// A team's image in its registry (here one on this machine), absent from the engine: the harness pulls it, with
// its progress, and the worker runs in it; `--pull never` refuses to, naming the image.
TEST(DockerUserImage, an_absent_own_image_is_pulled_from_a_registry_on_this_machine) {
  if (!test::have("/usr/bin/docker-registry")) GTEST_SKIP() << "docker-registry not installed (scripts/install-deps)";
  auto engine = harness::driver::docker::Engine::connect();
  ASSERT_TRUE(engine) << engine.error().message();
  test::TempDir dir;
  LocalRegistry registry(dir.path());
  ASSERT_TRUE(registry.ready()) << test::read_file(dir.path() / "registry.log");
  const std::string pushed = registry.host() + "/teamapp:1";
  {
    const TeamImage image(*engine);
    ASSERT_TRUE(image.build().succeeded()) << image.build().output;
    ASSERT_TRUE(docker_cli(*engine, {"tag", k_team_image, pushed}).succeeded());
    const auto push = docker_cli(*engine, {"push", pushed});
    ASSERT_TRUE(push.succeeded()) << push.output;
    ASSERT_TRUE(docker_cli(*engine, {"rmi", pushed}).succeeded());
  }  // the team's image is gone from the engine: only the registry has it
  ASSERT_FALSE(image_present(*engine, pushed));
  const auto file = dir.write("pulled.yaml", R"(name: pulled-team-app
timeout: 2m
services:
  broker: {image: rabbitmq}
  worker:
    image: )" + pushed + R"(
    command: celery -A teamapp worker --concurrency 2 --loglevel INFO --without-gossip --without-mingle
    kind: celery-worker
    broker: broker
steps:
  - wait: {ready: all, timeout: 90s}
  - load: {task: probe.record, count: 10, rate: 20/s}
  - wait: {drained: true, timeout: 60s}
checks:
  - name: every task ran in the pulled image
    delivery: {lost: 0, duplicated: 0, phantom: 0}
)");
  const auto refused = run_scenario({"--driver", "docker", "--pull", "never"}, file, dir.path() / "reports-never");
  EXPECT_EQ(refused.cli.exit_code, 3) << refused.cli.output;
  EXPECT_NE(refused.cli.output.find("image " + pushed + " of service 'worker' is not present in the engine at unix://" +
                                    engine->socket().string() + " and was not pulled (--pull never): build it"),
            std::string::npos)
      << refused.cli.output;

  const auto run = run_scenario({"--driver", "docker"}, file, dir.path() / "reports");
  (void)engine->call("DELETE", "/images/" + pushed + "?force=1");
  EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_NE(run.cli.output.find("pull " + pushed + ": from " + registry.host()), std::string::npos) << run.cli.output;
  EXPECT_NE(run.cli.output.find("pull " + pushed + ": Status: Downloaded newer image for " + pushed),
            std::string::npos)
      << run.cli.output;
  EXPECT_EQ(run.junit.find("<failure"), std::string::npos) << run.junit;
  const std::string log = test::read_file(run.dir / "pulled-team-app" / "logs" / "worker.1.log");
  EXPECT_NE(log.find("teamapp.charge_invoice"), std::string::npos) << log;
}

TEST(DockerUserImage, a_missing_own_image_is_exit_3_naming_it_and_how_to_build_or_pull_it) {
  auto engine = harness::driver::docker::Engine::connect();
  ASSERT_TRUE(engine) << engine.error().message();
  test::TempDir dir;
  const auto file = dir.write("absent.yaml", R"(name: absent
services:
  broker: {image: rabbitmq}
  worker: {image: "celery-chaos-test/absent:0", kind: celery-worker, broker: broker, command: celery -A teamapp worker}
steps:
  - wait: {ready: all}
checks:
  - name: never judged
    log: {service: broker, contains: "Server startup complete"}
)");
  const auto run = run_scenario({"--driver", "docker"}, file, dir.path() / "reports");
  EXPECT_EQ(run.cli.exit_code, 3) << run.cli.output;
  // On Docker Hub by its name: not pulled by default (no traffic leaves the machine unless --pull any says so).
  EXPECT_NE(run.cli.output.find("image celery-chaos-test/absent:0 of service 'worker' is not present in the engine "
                                "at unix://" +
                                engine->socket().string() +
                                " and was not pulled: its registry docker.io is not on this machine, and the harness "
                                "pulls only from a registry on 127.0.0.1 or localhost unless run with --pull any: "
                                "build it (docker build -t celery-chaos-test/absent:0 DIR) or pull it (docker pull "
                                "celery-chaos-test/absent:0) first"),
            std::string::npos)
      << run.cli.output;
}

TEST(LocalUserApp, a_teams_own_app_from_its_folder_passes_the_pod_kill_delivery_check) {
  test::TempDir dir;
  const auto folder = test::tests_dir() / "integration" / "teamapp";
  const auto file = dir.write("team.yaml", team_delivery_scenario("    app: teamapp\n"
                                                                  "    environment: {PYTHONPATH: " +
                                                                  folder.string() + "}\n"));
  const auto run = run_scenario({}, file, dir.path() / "reports");
  EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_EQ(run.junit.find("<failure"), std::string::npos) << run.junit;
}

}  // namespace
