// The queue and connections checks as the loader reads them (check/queue_check.cc, check/connections_check.cc).
#include <gtest/gtest.h>

#include "harness/check/connections_check.h"
#include "harness/check/queue_check.h"
#include "tests/scenario/scenario_test_util.h"

namespace harness::scenario {
namespace {

using namespace std::chrono_literals;
using testing::load_error;
using testing::load_ok;

// Checks start on line 6.
const std::string k_head = "name: t\nservices:\n  broker: {image: rabbitmq}\n  cache: {image: redis}\nchecks:\n";

TEST(ScenarioBrokerCheckTest, queue_check) {
  const auto checks = load_ok(k_head + "  - queue: {broker: broker, name: celery, depth: 0, within: 30s}\n"
                                       "  - queue: {broker: broker, name: celery, depth: \">=100\"}\n").checks;
  ASSERT_EQ(checks.size(), 2u);
  const auto& drained = params_of<check::QueueParams>(checks[0]);
  EXPECT_EQ(drained.broker, "broker");
  EXPECT_EQ(drained.name, "celery");
  EXPECT_EQ(drained.depth.op, CountBound::Op::k_le);
  EXPECT_EQ(drained.depth.value, 0);
  EXPECT_EQ(drained.within, 30s);
  EXPECT_EQ(checks[0].name, "queue broker celery depth <= 0 within 30s");
  EXPECT_EQ(checks[1].name, "queue broker celery depth >= 100");
  EXPECT_FALSE(params_of<check::QueueParams>(checks[1]).within.has_value());
}

TEST(ScenarioBrokerCheckTest, queue_check_problems) {
  EXPECT_EQ(load_error(k_head + "  - queue: {broker: broker, depth: 0}\n"),
            "test.yaml:6:12: missing required key 'name' in queue check");
  EXPECT_EQ(load_error(k_head + "  - queue: {broker: cache, name: celery, depth: 0}\n"),
            "test.yaml:6:21: broker 'cache' of queue check is a redis service (expected rabbitmq)");
  EXPECT_EQ(load_error(k_head + "  - queue: {broker: broker, name: celery, depth: many}\n"),
            "test.yaml:6:50: invalid bound 'many' for 'depth' (expected a number or a comparison such as \"<=5\" or "
            "\">0\")");
  EXPECT_EQ(load_error(k_head + "  - queue: celery\n"),
            "test.yaml:6:12: 'queue' must be a map with 'broker', 'name', 'depth' and optionally 'within', got "
            "'celery'");
}

TEST(ScenarioBrokerCheckTest, connections_check) {
  const auto checks = load_ok(k_head + "  - connections: {broker: broker, state: blocked, min: 2}\n"
                                       "  - connections: {broker: broker, never: blocked}\n").checks;
  ASSERT_EQ(checks.size(), 2u);
  const auto& blocked = params_of<check::ConnectionsParams>(checks[0]);
  EXPECT_EQ(blocked.state, "blocked");
  EXPECT_EQ(blocked.min, 2);
  EXPECT_EQ(checks[0].name, "connections broker blocked >= 2");
  EXPECT_EQ(params_of<check::ConnectionsParams>(checks[1]).never, "blocked");
  EXPECT_EQ(checks[1].name, "connections broker never blocked");
}

TEST(ScenarioBrokerCheckTest, connections_check_problems) {
  EXPECT_EQ(load_error(k_head + "  - connections: {broker: broker}\n"),
            "test.yaml:6:18: connections check needs 'state' or 'never'");
  EXPECT_EQ(load_error(k_head + "  - connections: {broker: broker, state: blocked, never: blocked}\n"),
            "test.yaml:6:51: connections check has both 'state' and 'never' (expected exactly one)");
  EXPECT_EQ(load_error(k_head + "  - connections: {broker: broker, state: blokced}\n"),
            "test.yaml:6:42: invalid value 'blokced' for 'state' (expected one of: running, blocked, blocking, flow, "
            "closed, starting, tuning, opening)");
  EXPECT_EQ(load_error(k_head + "  - connections: {broker: broker, never: blocked, min: 2}\n"),
            "test.yaml:6:51: connections check 'min' applies to 'state', not 'never'");
}

}  // namespace
}  // namespace harness::scenario
