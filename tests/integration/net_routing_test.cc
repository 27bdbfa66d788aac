// Client routing through the fault proxy with real services: a broker with `network: proxied` and two worker
// replicas. Each worker reaches the broker through a proxy of its own (net.connect events from worker.1 and
// worker.2), an exec step in a worker sees its proxied port and the direct one apart, and a load's tasks are all
// delivered through the proxy.
#include <gmock/gmock.h>

#include <set>

#include "harness/history/event_type.h"
#include "harness/history/history.h"
#include "tests/integration/cli_harness.h"

namespace {

const std::string k_scenario = R"(name: net-routing
timeout: 3m
services:
  broker: {image: rabbitmq, network: proxied}
  worker: {image: celery-worker, broker: broker, replicas: 2, concurrency: 1}
steps:
  - wait: {ready: all, timeout: 90s}
  - name: a worker's placeholders are its proxy's, direct_port the broker's own
    exec: {service: worker, command: "test {{broker.port}} != {{broker.direct_port}}", expect_exit: 0}
  - load: {task: probe.record, count: 20, rate: 20/s}
  - wait: {drained: true, timeout: 60s}
checks:
  - delivery: {lost: 0, duplicated: 0}
)";

TEST(NetRouting, workers_reach_a_proxied_broker_through_proxies_of_their_own) {
  if (!test::have("/usr/lib/rabbitmq/bin/rabbitmq-server")) GTEST_SKIP() << "rabbitmq-server not installed (scripts/install-deps)";
  test::TempDir dir;
  const auto file = dir.write("net-routing.yaml", k_scenario);
  const auto reports = dir.path() / "reports";
  const auto cli = test::run_cli({"run", file.string(), "--report-dir", reports.string()}, std::chrono::seconds{180});
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  auto events = harness::history::read_history(test::latest_run(reports) / "net-routing" / "history.jsonl");
  ASSERT_TRUE(events) << events.error().message();
  std::set<std::string> clients;
  for (const auto& e : *events)
    if (harness::history::is(e, harness::history::EventType::k_net_connect) && e.service == "broker")
      clients.insert(e.data.value("client", std::string{}));
  EXPECT_EQ(clients, (std::set<std::string>{"worker.1", "worker.2"}));
}

}  // namespace
