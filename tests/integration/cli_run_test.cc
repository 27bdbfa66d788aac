// End-to-end runs of the celery-chaos binary against real services.
#include <gmock/gmock.h>

#include "tests/integration/cli_harness.h"
#include "harness/process/ports.h"
#include <nlohmann/json.hpp>

#include <sstream>

namespace {
using test::fs::path;
using testing::HasSubstr;

// A one-Redis scenario: the cheapest real stack, for the lifecycle tests.
const char* k_redis_only = R"(name: redis-only
services:
  cache: {image: redis}
steps:
  - wait: {ready: [cache]}
  - exec: {command: "echo hello from {{cache.port}}", expect_exit: 0}
checks:
  - name: redis logs that it is ready
    log: {service: cache, contains: "Ready to accept connections"}
  - name: redis answers PING
    exec: {command: "redis-cli -p {{cache.port}} -a {{cache.password}} --no-auth-warning ping", output_contains: PONG}
)";

void expect_nothing_left(const test::fs::path& scenario_dir) {
  for (int port : test::ports_of_run(scenario_dir)) {
    EXPECT_FALSE(harness::process::is_listening(static_cast<std::uint16_t>(port))) << "port " << port << " still open";
  }
}

TEST(CliRun, smoke_scenario_passes) {
  REQUIRE_SERVICES();
  test::TempDir reports;
  auto result = test::run_cli({"run", (test::source_dir() / "scenarios" / "smoke.yaml").string(), "--report-dir",
                               reports.path().string()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const auto run = test::latest_run(reports.path());
  const std::string junit = test::read_file(run / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("<testsuite name=\"smoke\""));
  EXPECT_THAT(junit, HasSubstr("failures=\"0\""));
  EXPECT_THAT(junit, HasSubstr("errors=\"0\""));
  EXPECT_TRUE(test::fs::exists(run / "smoke" / "logs" / "broker.log"));
  EXPECT_TRUE(test::fs::exists(run / "smoke" / "logs" / "worker-pg.1.log"));
  EXPECT_THAT(test::read_file(run / "smoke" / "history.jsonl"), HasSubstr("\"type\":\"service.ready\""));
  expect_nothing_left(run / "smoke");
}

TEST(CliRun, failing_check_exits_one_with_junit_failure) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("failing.yaml", std::string(k_redis_only) + R"(  - name: a line redis never logs
    log: {service: cache, contains: "this text is not in any redis log"}
)");
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const std::string junit = test::read_file(test::latest_run(dir.path() / "reports") / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("<failure message=\"expected the log of 'cache' to contain 'this text is not in any redis log'; it does not\""));
  EXPECT_THAT(junit, HasSubstr("failures=\"1\""));
}

TEST(CliRun, expect_fail_turns_a_known_bad_configuration_into_a_pass) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("known-bad.yaml", std::string(k_redis_only) + R"(  - name: a line redis never logs
    log: {service: cache, contains: "this text is not in any redis log"}
expect: fail
)");
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const auto run = test::latest_run(dir.path() / "reports");
  EXPECT_THAT(test::read_file(run / "junit.xml"), HasSubstr("failures=\"0\""));
  EXPECT_THAT(test::read_file(run / "summary.json"), HasSubstr("\"outcome\": \"xfailed\""));
}

TEST(CliRun, service_that_cannot_start_exits_three_with_its_log_tail) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  // incidents/003: `--queue` is not an option of `celery worker`; the worker exits at once.
  const auto file = dir.write("bad-worker.yaml", R"(name: bad-worker
services:
  broker: {image: redis}
  worker:
    image: celery-worker
    broker: broker
    command: celery -A probe worker --queue x
checks:
  - log: {service: worker, contains: "No such option"}
)");
  const auto started = std::chrono::steady_clock::now();
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_THAT(result.output, HasSubstr("service 'worker.1' exited with exit code 2"));
  EXPECT_THAT(result.output, HasSubstr("No such option: --queue"));
  // The wait ends when the process exits, not at the boot timeout.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{60});
  const std::string junit = test::read_file(test::latest_run(dir.path() / "reports") / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("<error message=\"service 'worker.1' exited with exit code 2"));
  EXPECT_THAT(junit, HasSubstr("No such option: --queue"));
  EXPECT_THAT(junit, HasSubstr("<skipped message=\"not judged: a service did not start\""));
}

TEST(CliRun, malformed_scenario_exits_two_and_starts_nothing) {
  test::TempDir dir;
  const auto file = dir.write("broken.yaml", "name: broken\nservices:\n  cache: {image: redis, replica: 2}\n");
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, HasSubstr(file.string() + ":3:"));
  EXPECT_THAT(result.output, HasSubstr("'replica'"));
  EXPECT_FALSE(test::fs::exists(dir.path() / "reports"));
}

TEST(CliRun, unknown_subcommand_is_a_usage_error) {
  auto result = test::run_cli({"frobnicate"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
}

TEST(CliRun, ctrl_c_mid_run_leaves_no_process_behind) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("long.yaml", R"(name: long
services:
  broker: {image: rabbitmq}
  cache: {image: redis}
  worker: {image: celery-worker, broker: broker, backend: cache}
steps:
  - wait: 10m
)");
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY, "run", file.string(), "--report-dir", (dir.path() / "reports").string()};
  options.log_file = dir.path() / "harness.log";
  auto harness = harness::process::ChildProcess::spawn(options);
  ASSERT_TRUE(harness.has_value()) << harness.error().message();
  const pid_t pid = (*harness)->pid();
  ASSERT_TRUE(test::eventually([&] { return test::read_file(dir.path() / "harness.log").find("all ready") != std::string::npos; },
                               std::chrono::seconds{120}))
      << test::read_file(dir.path() / "harness.log");
  EXPECT_FALSE(test::processes_owned_by(pid).empty());
  (*harness)->signal(SIGINT);
  auto status = (*harness)->wait_for(std::chrono::seconds{30});
  ASSERT_TRUE(status.has_value()) << "the harness did not stop within 30 s of Ctrl-C";
  EXPECT_EQ(status->code, 130);
  EXPECT_TRUE(test::eventually([&] { return test::processes_owned_by(pid).empty(); }, std::chrono::seconds{5}));
  EXPECT_THAT(test::read_file(test::latest_run(dir.path() / "reports") / "junit.xml"), HasSubstr("<testsuite"));
  expect_nothing_left(test::latest_run(dir.path() / "reports") / "long");
}

// A first scenario of a suite without a broker: a Redis, then a wait.
std::string redis_then_wait(const std::string& duration) {
  return "name: first\nservices:\n  cache: {image: redis}\nsteps:\n  - wait: " + duration + "\n";
}

// A suite boots the next scenario's RabbitMQ while the current one runs (run/prestart.h): at nice 19 then, handed
// over at the harness's own priority, every thread of it; its own run records it and owns it.
TEST(CliRun, the_next_scenarios_broker_boots_ahead_and_is_handed_over_at_normal_priority) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto first = dir.write("1-first.yaml", redis_then_wait("8s"));
  const auto second = dir.write("2-second.yaml", test::k_broker_at_nice_0_scenario);
  auto result = test::run_cli({"run", first.string(), second.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const auto run = test::latest_run(dir.path() / "reports");
  nlohmann::json prestarted;
  std::istringstream history(test::read_file(run / "second" / "history.jsonl"));
  for (std::string line; std::getline(history, line);) {
    const auto event = nlohmann::json::parse(line);
    if (event["type"] == "service.prestarted") prestarted = event;
  }
  ASSERT_FALSE(prestarted.is_null()) << "no service.prestarted in the second scenario's history";
  EXPECT_EQ(prestarted["service"], "broker");
  EXPECT_EQ(prestarted["data"]["niced"], true);  // the tests run as root
  EXPECT_EQ(prestarted["data"]["restored"], true);
  EXPECT_GE(prestarted["data"]["ahead_s"].get<double>(), 7.0);  // booted during the first scenario's 8 s wait
  expect_nothing_left(run / "second");

  // Turned off, the broker starts with its scenario.
  result = test::run_cli({"run", first.string(), second.string(), "--no-prestart", "--report-dir",
                          (dir.path() / "reports-off").string()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(test::read_file(test::latest_run(dir.path() / "reports-off") / "second" / "history.jsonl"),
              testing::Not(HasSubstr("service.prestarted")));
}

TEST(CliRun, ctrl_c_while_the_next_broker_boots_ahead_leaves_nothing_behind) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto first = dir.write("1-first.yaml", redis_then_wait("10m"));
  const auto second = dir.write("2-second.yaml", R"(name: second
services:
  broker: {image: rabbitmq}
)");
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY, "run", first.string(), second.string(), "--report-dir",
                  (dir.path() / "reports").string()};
  options.log_file = dir.path() / "harness.log";
  auto harness = harness::process::ChildProcess::spawn(options);
  ASSERT_TRUE(harness.has_value()) << harness.error().message();
  const pid_t pid = (*harness)->pid();
  // The first scenario has no broker: a beam.smp of this harness is the second scenario's, booting ahead.
  const auto beam_running = [&] {
    for (pid_t p : test::processes_owned_by(pid)) {
      if (test::read_file("/proc/" + std::to_string(p) + "/comm").starts_with("beam.smp")) return true;
    }
    return false;
  };
  ASSERT_TRUE(test::eventually(beam_running, std::chrono::seconds{60})) << test::read_file(dir.path() / "harness.log");
  (*harness)->signal(SIGINT);
  auto status = (*harness)->wait_for(std::chrono::seconds{30});
  ASSERT_TRUE(status.has_value()) << "the harness did not stop within 30 s of Ctrl-C";
  EXPECT_EQ(status->code, 130);
  EXPECT_TRUE(test::eventually([&] { return test::processes_owned_by(pid).empty(); }, std::chrono::seconds{5}));
  // The second scenario never ran: no report folder of it is left half-made.
  EXPECT_FALSE(test::fs::exists(test::latest_run(dir.path() / "reports") / "second"));
}

TEST(CliRun, leftovers_of_a_killed_harness_are_swept_by_the_next_run) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("long.yaml", R"(name: long
services:
  broker: {image: rabbitmq}
  cache: {image: redis}
steps:
  - wait: 10m
)");
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY, "run", file.string(), "--report-dir", (dir.path() / "reports").string()};
  options.log_file = dir.path() / "harness.log";
  auto harness = harness::process::ChildProcess::spawn(options);
  ASSERT_TRUE(harness.has_value());
  const pid_t pid = (*harness)->pid();
  ASSERT_TRUE(test::eventually([&] { return test::read_file(dir.path() / "harness.log").find("all ready") != std::string::npos; },
                               std::chrono::seconds{120}))
      << test::read_file(dir.path() / "harness.log");
  (*harness)->signal(SIGKILL);  // the harness only: its services live in their own process groups
  ASSERT_TRUE((*harness)->wait_for(std::chrono::seconds{10}).has_value());
  const auto left = test::processes_owned_by(pid);
  ASSERT_FALSE(left.empty()) << "a SIGKILLed harness should leave its services running (nothing to sweep?)";
  // Every service must still carry the harness's mark, or the sweeper cannot recognise it (redis-server rewrites
  // its process title over environ unless told not to).
  std::vector<std::string> marked;
  for (pid_t p : left) marked.push_back(test::read_file("/proc/" + std::to_string(p) + "/comm"));
  EXPECT_THAT(marked, testing::Contains(testing::HasSubstr("redis-server")));
  EXPECT_THAT(marked, testing::Contains(testing::HasSubstr("beam.smp")));

  const auto next = dir.write("next.yaml", k_redis_only);
  auto result = test::run_cli({"run", next.string(), "--report-dir", (dir.path() / "reports2").string()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("swept"));
  EXPECT_TRUE(test::eventually([&] { return test::processes_owned_by(pid).empty(); }, std::chrono::seconds{5}));
}

}  // namespace

namespace {

TEST(CliRun, scenario_timeout_stops_the_run_fails_it_and_cleans_up) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("slow.yaml", R"(name: slow
timeout: 2s
services:
  cache: {image: redis}
steps:
  - wait: 10m
checks:
  - log: {service: cache, contains: "Ready to accept connections"}
)");
  const auto started = std::chrono::steady_clock::now();
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{30});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const auto run = test::latest_run(dir.path() / "reports");
  const std::string junit = test::read_file(run / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("<failure message=\"scenario 'slow' exceeded its timeout of 2s at step 1 (wait, line 6)\""));
  EXPECT_THAT(junit, HasSubstr("<skipped message=\"not judged: scenario 'slow' exceeded its timeout of 2s at step 1"));
  expect_nothing_left(run / "slow");
}

TEST(CliRun, a_failing_step_is_a_failed_testcase_and_stops_later_steps) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("step.yaml", R"(name: step
services:
  cache: {image: redis}
steps:
  - exec: {command: "echo about to fail; exit 7", expect_exit: 0}
  - exec: {command: "touch {{run.dir}}/should-not-exist"}
)");
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const std::string junit = test::read_file(test::latest_run(dir.path() / "reports") / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("name=\"step 1 (exec, line 5)\""));
  EXPECT_THAT(junit, HasSubstr("expected exit code 0, got 7: echo about to fail; exit 7"));
  const std::string history = test::read_file(test::latest_run(dir.path() / "reports") / "step" / "history.jsonl");
  EXPECT_THAT(history, testing::Not(HasSubstr("should-not-exist")));
}

TEST(CliRun, validate_and_list_read_scenarios_without_starting_anything) {
  auto validate = test::run_cli({"validate", (test::source_dir() / "scenarios").string()});
  EXPECT_EQ(validate.exit_code, 0) << validate.output;
  EXPECT_THAT(validate.output, HasSubstr("smoke.yaml: ok (smoke)"));
  auto list = test::run_cli({"list", (test::source_dir() / "scenarios" / "smoke.yaml").string()});
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_THAT(list.output, HasSubstr("services: broker(rabbitmq) results(redis) db(postgres) worker-redis(celery-worker)"));
}

TEST(CliRun, help_works_on_every_subcommand) {
  for (const char* sub : {"run", "validate", "list"}) {
    auto help = test::run_cli({sub, "--help"});
    EXPECT_EQ(help.exit_code, 0) << sub;
    EXPECT_THAT(help.output, HasSubstr("SCENARIO")) << sub;
  }
}

}  // namespace

namespace {

TEST(CliRun, run_placeholders_work_in_commands_and_checks) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("placeholders.yaml", R"(name: placeholders
services:
  cache: {image: redis}
steps:
  - exec: {command: "test -d {{run.dir}}", expect_exit: 0}
checks:
  - exec: {command: "echo run={{run.id}} dir={{run.dir}}", output_contains: "run="}
)");
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const auto run = test::latest_run(dir.path() / "reports");
  const std::string history = test::read_file(run / "placeholders" / "history.jsonl");
  EXPECT_THAT(history, HasSubstr("run=" + run.filename().string()));
}

}  // namespace
