// Declared queues (`queues:`) on the real services: a quorum queue exists with its type and arguments, a worker
// with `queues:` consumes the queue it names, tasks published to a queue no worker consumes stay queued; and the
// shipped quorum scenario, whose checks fail on a classic queue.
#include <gmock/gmock.h>

#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;

// A Celery 5.2 worker cannot consume a quorum queue at all (global QoS, see the shipped scenario): here the quorum
// queue `idle` is consumed by nobody, the classic `orders` by the worker that names it.
const std::string k_scenario = R"(name: declared-queues
timeout: 3m
queues:
  - {name: orders, arguments: {x-max-length: 100}}
  - {name: idle, type: quorum, arguments: {x-delivery-limit: 3}}
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
  - wait: {drained: true, timeout: 3s, fail_on_timeout: false}
  # A quorum queue's message count comes from its Raft state a moment after the publish: polled, not slept for.
  - exec: {service: broker, timeout: 60s, command: "for i in $(seq 1 40); do rabbitmqctl -q list_queues -p {{broker.vhost}} name messages | grep -qE '^idle\\s+4$' && exit 0; sleep 0.5; done; exit 1"}
checks:
  - name: the queues exist with their types and arguments
    exec: {service: broker, command: "rabbitmqctl -q list_queues -p {{broker.vhost}} name type arguments messages | grep -E '^(idle|orders)\\s' | sort", output_contains: "idle\tquorum\t[{\"x-delivery-limit\",3},{\"x-queue-type\",\"quorum\"}]\t4\norders\tclassic\t[{\"x-max-length\",100}]\t0"}
  - name: the consumer ran every task published to orders
    delivery: {load: to-orders, lost: 0, duplicated: 0}
  - name: nobody ran the tasks published to idle
    delivery: {load: to-idle, lost: "==4"}
)";

const std::string k_quorum = "quorum-queue-celery-5.2-global-qos";

TEST(DeclaredQueues, a_declared_queue_is_consumed_by_the_worker_that_names_it_and_by_no_other) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto run = test::run_scenarios({dir.write("declared-queues.yaml", k_scenario).string()}, dir.path() / "runs");
  EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_THAT(run.junit, HasSubstr("<testsuite name=\"declared-queues\" tests=\"3\" failures=\"0\" errors=\"0\""));
  // The worker's command line carried -Q: its banner lists the one queue.
  EXPECT_THAT(test::read_file(run.dir / "declared-queues" / "logs" / "consumer.1.log"), HasSubstr(".> orders"));
}

// The shipped scenario passes on its quorum queue; on a classic queue the worker consumes it and its checks fail.
TEST(DeclaredQueues, the_quorum_scenarios_checks_fail_on_a_classic_queue) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto shipped = test::source_dir() / "scenarios" / (k_quorum + ".yaml");
  std::string classic = test::replaced_in(shipped, "type: quorum, arguments: {x-delivery-limit: 3}",
                                          "type: classic, arguments: {}");
  const auto edited = dir.write(k_quorum + ".yaml", classic);
  const auto runs = test::run_in_parallel({{shipped.string()}, {edited.string()}}, dir.path() / "runs");
  EXPECT_EQ(runs[0].cli.exit_code, 0) << runs[0].cli.output;
  EXPECT_EQ(runs[1].cli.exit_code, 1) << runs[1].cli.output;
  // 7 checks: the 4 of Celery < 5.5 fail; the 3 of Celery >= 5.5 are skipped on this machine's 5.2.
  EXPECT_THAT(runs[1].junit, HasSubstr("tests=\"7\" failures=\"4\" errors=\"0\" skipped=\"3\""));
  EXPECT_THAT(runs[1].junit, HasSubstr("lost 0 of 5 accepted tasks (expected exactly 5)"));
}

}  // namespace
