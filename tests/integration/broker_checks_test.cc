// The connections and queue checks on a real broker: a disk alarm blocks the publisher's connection, the broker is
// sampled into the History, and each check passes where the property holds and fails where it does not.
#include <gmock/gmock.h>

#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;

TEST(BrokerChecks, disk_alarm_blocks_the_publisher_and_the_queue_drains_afterwards) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("broker-checks.yaml", R"(name: broker-checks
timeout: 2m
services:
  broker: {image: rabbitmq}
  worker: {image: celery-worker, broker: broker}
steps:
  - wait: {ready: all, timeout: 90s}
  - fault: {disk-alarm: {broker: broker}}
    for: 5s
  - load: {count: 20}
  - wait: {drained: true, timeout: 40s}
checks:
  - name: the publisher was blocked
    connections: {broker: broker, state: blocked}
  - name: never blocked (must fail)
    connections: {broker: broker, never: blocked}
  - name: drained
    queue: {broker: broker, name: celery, depth: 0, within: 20s}
  - name: a backlog of 1000 (must fail)
    queue: {broker: broker, name: celery, depth: ">=1000"}
  - delivery: {lost: 0}
)");
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const auto run = test::latest_run(dir.path() / "reports");
  const std::string junit = test::read_file(run / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("failures=\"2\""));
  EXPECT_THAT(junit, HasSubstr("(expected never blocked)"));
  EXPECT_THAT(junit, HasSubstr("queue 'celery' depth 0 (expected at least 1000)"));
  const std::string history = test::read_file(run / "broker-checks" / "history.jsonl");
  EXPECT_THAT(history, HasSubstr("\"type\":\"broker.sample\""));
  // At least one connection blocked in some sample (how many varies: the publisher's, and Celery's pidbox producer).
  EXPECT_THAT(history, testing::ContainsRegex("\"blocked\":[1-9]"));
  EXPECT_THAT(history, HasSubstr("\"type\":\"queue.sample\""));
}

}  // namespace
