// Declared queues (`queues:`) on the real services: a quorum queue exists with its type and arguments, a worker
// with `queues:` consumes it, and tasks published to a queue no worker consumes stay queued.
#include <gmock/gmock.h>

#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;

const std::string k_scenario = R"(name: declared-queues
timeout: 3m
queues:
  - {name: orders, type: quorum, arguments: {x-delivery-limit: 3}}
  - {name: idle, type: quorum}
services:
  broker: {image: rabbitmq}
  consumer: {image: celery-worker, broker: broker, queues: [orders]}
  other: {image: celery-worker, broker: broker, queues: [celery]}
steps:
  - wait: {ready: all, timeout: 90s}
  - name: to-orders
    load: {task: probe.record, count: 5, queue: orders, service: consumer}
  - name: to-idle
    load: {task: probe.record, count: 4, queue: idle, service: other}
  - wait: {executed: 5, timeout: 60s}
checks:
  - name: orders is a quorum queue with its arguments
    exec: {service: broker, command: "rabbitmqctl -q list_queues -p {{broker.vhost}} name type arguments | grep '^orders'", output_contains: "orders\tquorum\t[{\"x-delivery-limit\",3},{\"x-queue-type\",\"quorum\"}]"}
  - name: the consumer ran every task published to orders
    delivery: {load: to-orders, lost: 0, duplicated: 0}
  - queue: {broker: broker, name: orders, depth: 0, within: 10s}
  - name: nobody consumes idle
    queue: {broker: broker, name: idle, depth: 4, within: 10s}
  - name: so its tasks never ran
    delivery: {load: to-idle, lost: 4}
)";

TEST(DeclaredQueues, a_quorum_queue_is_consumed_by_the_worker_that_names_it_and_by_no_other) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto run = test::run_scenarios({dir.write("declared-queues.yaml", k_scenario).string()}, dir.path() / "runs");
  EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_THAT(run.junit, HasSubstr("<testsuite name=\"declared-queues\" tests=\"5\" failures=\"0\" errors=\"0\""));
  // The worker's command line carried -Q, and the load declared the queue as the worker did (no
  // PRECONDITION_FAILED for inequivalent arguments).
  const std::string log = test::read_file(run.dir / "declared-queues" / "logs" / "consumer.1.log");
  EXPECT_THAT(log, HasSubstr(".> orders"));
  EXPECT_THAT(test::read_file(run.dir / "declared-queues" / "logs" / "to-orders.log"),
              testing::Not(HasSubstr("PRECONDITION_FAILED")));
}

}  // namespace
