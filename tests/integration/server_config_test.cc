// `config:` on the data services (issue 16, server settings): each server runs with the scenario's settings (read
// back from the server itself: CONFIG GET, SHOW, the node's application environment), `{{SERVICE.config.KEY}}`
// expands to them, and a setting the server rejects is exit 3 with the server's own message, under the local driver
// and under the docker driver (the same config files and arguments in a container). And the shipped scenario's
// check fails where the property is broken: without `maxmemory`, nothing refuses the publishes.
#include <gmock/gmock.h>

#include <future>

#include "harness/driver/docker/engine.h"
#include "tests/integration/cli_harness.h"

namespace {

using testing::HasSubstr;
using testing::Not;

// Every datastore with settings, each read back from the server; the placeholders expand to the values.
const char* const k_settings_scenario = R"Y(name: settings
services:
  broker:
    image: rabbitmq
    config: {consumer_timeout: 5000, heartbeat: 7}
  cache:
    image: redis
    config: {maxmemory: 1mb, maxmemory-policy: noeviction, appendonly: true, timeout: 9}
  db:
    image: postgres
    config: {max_connections: 20, idle_session_timeout: 5s, log_connections: true}
steps:
  - wait: {ready: all}
checks:
  - name: redis runs with its settings
    exec: {service: cache, command: "redis-cli config get maxmemory | tr '\\n' ' '; redis-cli config get maxmemory-policy | tr '\\n' ' '", output_contains: "maxmemory 1048576 maxmemory-policy noeviction"}
  - name: redis appends
    exec: {service: cache, command: "redis-cli config get appendonly | tr '\\n' ' '", output_contains: "appendonly yes"}
  - name: redis closes idle clients
    exec: {service: cache, command: "redis-cli config get timeout | tr '\\n' ' '", output_contains: "timeout 9"}
  - name: postgres runs with its settings
    exec: {service: db, command: "psql -Atc 'show max_connections' -c 'show idle_session_timeout' -c 'show log_connections' | tr '\\n' ' '", output_contains: "20 5s on"}
  - name: rabbitmq runs with its settings
    exec: {service: broker, command: "rabbitmqctl eval '[application:get_env(rabbit, K) || K <- [consumer_timeout, heartbeat]].'", output_contains: "[{ok,5000},{ok,7}]"}
  - name: the placeholders are the settings
    exec: {command: "echo '{{broker.config.consumer_timeout}} {{cache.config.maxmemory}} {{cache.config.appendonly}} {{db.config.log_connections}}'", output_contains: "5000 1mb yes on"}
)Y";

// A scenario with one service of `image` and `config`, whose start fails when the server rejects the setting.
std::string rejected(const std::string& name, const std::string& image, const std::string& config) {
  return "name: " + name + "\nservices:\n  svc: {image: " + image + ", config: " + config +
         "}\nsteps:\n  - wait: {ready: all}\n";
}

std::vector<std::string> driver_args(const std::string& driver) {
  if (driver == "local") return {};
  return {"--driver", driver};
}

test::CliResult run(const std::string& driver, const std::vector<std::string>& files, const test::fs::path& reports) {
  std::vector<std::string> args = driver_args(driver);
  args.push_back("run");
  args.insert(args.end(), files.begin(), files.end());
  args.insert(args.end(), {"--report-dir", reports.string()});
  return test::run_cli(args, std::chrono::seconds{600});
}

void expect_settings_take_effect(const std::string& driver) {
  test::TempDir dir;
  const auto result = run(driver, {dir.write("settings.yaml", k_settings_scenario).string()}, dir.path() / "reports");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("1 passed, 0 failed, 0 errors")) << result.output;
  std::size_t passed = 0;
  for (auto at = result.output.find("  PASS  "); at != std::string::npos; at = result.output.find("  PASS  ", at + 1))
    ++passed;
  EXPECT_EQ(passed, 6u) << result.output;
}

// Each server's own words, in the run's output (the boot error, with its log tail) and exit 3. The rabbitmq one runs
// second after a Redis-only scenario, so its broker is the one booted ahead (prestart) and handed over dead.
void expect_rejected_settings_fail_with_the_servers_message(const std::string& driver) {
  test::TempDir dir;
  const auto first = dir.write("first.yaml", "name: first\nservices:\n  c: {image: redis}\nsteps:\n  - wait: 1s\n");
  const auto broker = dir.write("broker.yaml", rejected("bad-broker", "rabbitmq", "{channel_tick_interval: 1000}"));
  const auto cache = dir.write("cache.yaml", rejected("bad-cache", "redis", "{maxmemory-policy: sometimes}"));
  const auto db = dir.write("db.yaml", rejected("bad-db", "postgres", "{max_conections: 20}"));
  auto broker_run = std::async(std::launch::async, run, driver, std::vector{first.string(), broker.string()},
                               dir.path() / "r-broker");
  const auto cache_run = run(driver, {cache.string()}, dir.path() / "r-cache");
  const auto db_run = run(driver, {db.string()}, dir.path() / "r-db");
  const auto broker_result = broker_run.get();

  EXPECT_EQ(cache_run.exit_code, 3) << cache_run.output;
  EXPECT_THAT(cache_run.output, HasSubstr(">>> 'maxmemory-policy sometimes'"));
  EXPECT_THAT(cache_run.output, HasSubstr("argument(s) must be one of the following: volatile-lru"));
  EXPECT_EQ(db_run.exit_code, 3) << db_run.output;
  EXPECT_THAT(db_run.output, HasSubstr("FATAL:  unrecognized configuration parameter \"max_conections\""));
  EXPECT_EQ(broker_result.exit_code, 3) << broker_result.output;
  EXPECT_THAT(broker_result.output,
              HasSubstr(": its configuration was refused:\n"
                        "You've tried to set channel_tick_interval, but there is no setting with that name.\n"));
  EXPECT_THAT(broker_result.output,
              HasSubstr("- Conf file attempted to set unknown variable: channel_tick_interval\n"));
}

TEST(ServerConfig, each_datastore_runs_with_its_settings_and_placeholders_expand_to_them) {
  REQUIRE_SERVICES();
  expect_settings_take_effect("local");
}

TEST(ServerConfig, a_setting_the_server_rejects_is_exit_3_with_the_servers_own_message) {
  REQUIRE_SERVICES();
  expect_rejected_settings_fail_with_the_servers_message("local");
}

// The shipped scenario: with `appendonly: true` the backlog survives the broker's restart; with the setting turned
// off (the harness's default) the same check fails, the backlog lost with Redis's memory.
TEST(ServerConfig, the_appendonly_scenario_passes_and_its_backlog_check_fails_without_the_setting) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto shipped = (test::source_dir() / "scenarios" / "redis-broker-outage-appendonly.yaml").string();
  const auto without = dir.write("without.yaml", test::replaced_in(shipped, "config: {appendonly: true}",
                                                                   "config: {appendonly: false}"));
  const auto runs = test::run_in_parallel({{shipped}, {without.string()}}, dir.path());
  EXPECT_EQ(runs[0].cli.exit_code, 0) << runs[0].cli.output;
  EXPECT_EQ(runs[1].cli.exit_code, 1) << runs[1].cli.output;
  EXPECT_THAT(runs[1].cli.output,
              HasSubstr("FAIL  the backlog queued in Redis survives its restart (replayed from the append-only file)"));
  EXPECT_THAT(runs[1].cli.output, HasSubstr("FAIL  the server loaded its append-only file at start"));
}

TEST(ServerConfig, the_docker_driver_gives_the_containers_the_same_settings_and_messages) {
  auto engine = harness::driver::docker::Engine::connect();
  ASSERT_TRUE(engine) << engine.error().message();
  expect_settings_take_effect("docker");
  expect_rejected_settings_fail_with_the_servers_message("docker");
}

}  // namespace
