#include "harness/scenario/queue_reader.h"

#include <gtest/gtest.h>

#include "tests/scenario/scenario_test_util.h"

namespace harness::scenario {
namespace {

using testing::load_error;
using testing::load_errors;
using testing::load_ok;

// A worker on line 3; `queues:` from line 4 on.
const std::string k_head = "name: t\nservices:\n  worker: {image: celery, broker_url: x}\n";

TEST(ScenarioQueuesTest, declarations_are_read_with_their_defaults) {
  const Scenario s = load_ok(k_head +
                             "queues:\n"
                             "  - {name: orders, type: quorum, arguments: {x-delivery-limit: 2, x-max-length: 100}}\n"
                             "  - {name: plain}\n"
                             "  - {name: temp, durable: false}\n");
  ASSERT_EQ(s.queues.size(), 3u);
  EXPECT_EQ(s.queues[0].name, "orders");
  EXPECT_EQ(s.queues[0].type, "quorum");
  EXPECT_TRUE(s.queues[0].durable);
  EXPECT_EQ(s.queues[0].arguments, nlohmann::json::parse(R"({"x-delivery-limit": 2, "x-max-length": 100})"));
  EXPECT_EQ(s.queues[0].location.line, 5);
  EXPECT_EQ(s.queues[1].type, "classic");
  EXPECT_TRUE(s.queues[1].durable);
  EXPECT_TRUE(s.queues[1].arguments.empty());
  EXPECT_FALSE(s.queues[2].durable);
  EXPECT_TRUE(load_ok(k_head).queues.empty());
}

TEST(ScenarioQueuesTest, a_bad_declaration_says_what_is_wrong_where) {
  EXPECT_EQ(load_errors(k_head +
                        "queues:\n"
                        "  - {name: orders, type: quorm}\n"
                        "  - {name: s, type: stream, durable: false}\n"
                        "  - {name: orders}\n"
                        "  - {type: classic}\n"
                        "  - {name: a, arguments: [x-max-length]}\n"
                        "  - {name: b, arguments: {x-queue-type: quorum}}\n"
                        "  - {name: c, exclusive: true}\n"
                        "  - c\n"),
            (std::vector<std::string>{
                "test.yaml:5:26: invalid value 'quorm' for 'type' (expected one of: classic, quorum, stream)",
                "test.yaml:6:38: queue 's' of type stream must be durable (RabbitMQ declares stream queues durable "
                "only)",
                "test.yaml:7:5: queue 'orders' is declared twice (first at line 5)",
                "test.yaml:8:5: missing required key 'name' in queue 4",
                "test.yaml:9:26: 'arguments' must be a map of queue arguments (e.g. {x-max-length: 100}), got a list",
                "test.yaml:10:26: 'arguments' of queue 'b' holds x-queue-type: write 'type:' instead (classic, "
                "quorum or stream)",
                "test.yaml:11:15: unknown key 'exclusive' in queue 7 (expected one of: name, type, durable, "
                "arguments)",
                "test.yaml:12:5: entry 8 of 'queues' must be a map with name, type, durable and arguments, got 'c'",
            }));
  EXPECT_EQ(load_error(k_head + "queues: {name: orders}\n"),
            "test.yaml:4:9: 'queues' must be a list of queues ({name, type, durable, arguments}), got a map");
  EXPECT_EQ(load_error(k_head + "queues:\n  - {name: q, type: quorum, durable: no}\n"),
            "test.yaml:5:38: queue 'q' of type quorum must be durable (RabbitMQ declares quorum queues durable only)");
}

TEST(ScenarioQueuesTest, a_worker_consumes_declared_queues_or_celerys_default) {
  const Scenario s = load_ok(
      "name: t\nservices:\n  worker: {image: celery, broker_url: x, queues: [orders, celery]}\n"
      "  other: {image: celery, broker_url: x, queues: orders}\n"
      "queues: [{name: orders, type: quorum}]\n");
  EXPECT_EQ(s.services[0].queues, (std::vector<std::string>{"orders", "celery"}));
  EXPECT_EQ(s.services[1].queues, (std::vector<std::string>{"orders"}));
  EXPECT_TRUE(load_ok(k_head).services[0].queues.empty());
  EXPECT_EQ(load_ok("name: t\nservices:\n  worker: {image: celery, broker_url: x, queues: [celery]}\n")
                .services[0].queues,
            (std::vector<std::string>{"celery"}));
}

TEST(ScenarioQueuesTest, a_worker_queue_that_is_not_declared_is_refused) {
  EXPECT_EQ(load_errors("name: t\nservices:\n"
                        "  worker: {image: celery, broker_url: x, queues: [ordrs]}\n"
                        "  other: {image: celery, broker_url: x, queues: [zzz]}\n"
                        "  third: {image: celery, broker_url: x, queues: []}\n"
                        "  cmd: {image: celery, broker_url: x, command: celery worker, queues: [orders]}\n"
                        "queues: [{name: orders}]\n"),
            (std::vector<std::string>{
                "test.yaml:3:50: service 'worker' consumes queue 'ordrs', which 'queues:' does not declare (did you "
                "mean 'orders'?)",
                "test.yaml:4:49: service 'other' consumes queue 'zzz', which 'queues:' does not declare (expected "
                "one of: celery, orders)",
                "test.yaml:5:49: 'queues' of service 'third' must name at least one queue",
                "test.yaml:6:63: 'queues' is not used with 'command' on service 'cmd' (write -Q NAMES in the "
                "command)",
            }));
}

}  // namespace
}  // namespace harness::scenario
