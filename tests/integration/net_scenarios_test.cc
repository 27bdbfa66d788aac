// The shipped network scenarios with real services, and one where the property they assert is broken (AMQP
// heartbeats off: the worker never notices the blackholed connection, so the reconnect check fails).
#include <gmock/gmock.h>

#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;

std::string scenario(const std::string& name) { return (test::source_dir() / "scenarios" / name).string(); }

std::string suite_header(const std::string& name, int tests, int failures) {
  return "<testsuite name=\"" + name + "\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"0\"";
}

TEST(NetScenarios, broker_blackhole_with_heartbeats_the_worker_reconnects) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto run = test::run_scenarios({scenario("net-broker-blackhole-heartbeat.yaml")}, dir.path());
  EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_THAT(run.junit, HasSubstr(suite_header("net-broker-blackhole-heartbeat", 2, 0)));
}

TEST(NetScenarios, heartbeats_off_the_worker_never_reconnects_and_the_check_fails) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("net-broker-blackhole-heartbeat.yaml",
                              test::replaced_in(scenario("net-broker-blackhole-heartbeat.yaml"),
                                                "broker_heartbeat: 10", "broker_heartbeat: 0"));
  const auto run = test::run_scenarios({file.string()}, dir.path() / "reports");
  EXPECT_EQ(run.cli.exit_code, 1) << run.cli.output;
  EXPECT_THAT(run.junit, HasSubstr(suite_header("net-broker-blackhole-heartbeat", 2, 2)));
  EXPECT_THAT(run.junit, HasSubstr("worker.1 did not reconnect (expected within 30s of the fault at"));
}

TEST(NetScenarios, backend_latency_tasks_still_succeed_nothing_lost) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto run = test::run_scenarios({scenario("net-backend-latency.yaml")}, dir.path());
  EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_THAT(run.junit, HasSubstr(suite_header("net-backend-latency", 1, 0)));
}

TEST(NetScenarios, worker_partitioned_with_acks_late_its_tasks_run_again_on_the_other) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto run = test::run_scenarios({scenario("net-worker-partitioned-acks-late.yaml")}, dir.path());
  EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_THAT(run.junit, HasSubstr(suite_header("net-worker-partitioned-acks-late", 2, 0)));
}

}  // namespace
