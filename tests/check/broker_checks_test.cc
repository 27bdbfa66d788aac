#include "harness/check/broker_checks.h"

#include <gtest/gtest.h>

namespace harness::check {
namespace {

history::Event sample(double t, const std::string& broker, nlohmann::json data) {
  history::Event e;
  e.t = t;
  e.type = "broker.sample";
  e.service = broker;
  e.data = std::move(data);
  return e;
}

history::Event depth(double t, long d) {
  history::Event e;
  e.t = t;
  e.type = "queue.sample";
  e.service = "broker";
  e.data = {{"queue", "celery"}, {"depth", d}};
  return e;
}

ConnectionsParams connections(std::string broker, std::string state, std::string never, int min) {
  ConnectionsParams params;
  params.broker = std::move(broker);
  params.state = std::move(state);
  params.never = std::move(never);
  params.min = min;
  return params;
}

QueueParams queue(std::string broker, std::string name, scenario::CountBound depth,
                  std::optional<std::chrono::milliseconds> within) {
  QueueParams params;
  params.broker = std::move(broker);
  params.name = std::move(name);
  params.depth = depth;
  params.within = within;
  return params;
}

const std::vector<history::Event> k_alarm_samples{
    sample(1.0, "broker", {{"connections", {{"running", 3}}}, {"queues", {{"celery", 0}}}}),
    sample(2.0, "broker", {{"error", "connection refused"}}),
    sample(3.0, "broker", {{"connections", {{"blocked", 2}, {"blocking", 1}}}, {"queues", {{"celery", 0}}}}),
    sample(4.0, "other", {{"connections", {{"blocked", 9}}}, {"queues", nlohmann::json::object()}}),
};

TEST(BrokerChecksTest, connections_state_reached) {
  const auto check = connections("broker", "blocked", "", 1);
  const Verdict v = judge_connections(check, "c", "s.connections", k_alarm_samples);
  EXPECT_EQ(v.outcome, Outcome::k_passed) << v.message;
  EXPECT_EQ(v.message, "2 connection(s) blocked at 3 s; 2 samples of broker 'broker' (1 unanswered), states seen: "
                       "blocked (up to 2), blocking (up to 1), running (up to 3)");
}

TEST(BrokerChecksTest, connections_state_fails_below_min_and_on_another_broker_only) {
  const auto check = connections("broker", "blocked", "", 3);
  const Verdict v = judge_connections(check, "c", "s.connections", k_alarm_samples);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected at least 3 connection(s) blocked in a sample, saw at most 2; 2 samples of broker "
                       "'broker' (1 unanswered), states seen: blocked (up to 2), blocking (up to 1), running (up to 3)");
  const auto flow = connections("broker", "flow", "", 1);
  EXPECT_EQ(judge_connections(flow, "c", "s", k_alarm_samples).outcome, Outcome::k_failed);
}

TEST(BrokerChecksTest, connections_never) {
  const auto blocked = connections("broker", "", "blocked", 1);
  const Verdict v = judge_connections(blocked, "c", "s", k_alarm_samples);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message.substr(0, 55), "2 connection(s) blocked at 3 s (expected never blocked)");
  const auto flow = connections("broker", "", "flow", 1);
  EXPECT_EQ(judge_connections(flow, "c", "s", k_alarm_samples).outcome, Outcome::k_passed);
}

TEST(BrokerChecksTest, connections_without_samples_is_an_error) {
  const auto check = connections("nobody", "blocked", "", 1);
  EXPECT_EQ(judge_connections(check, "c", "s", k_alarm_samples).outcome, Outcome::k_error);
}

TEST(BrokerChecksTest, queue_judged_by_the_last_reading) {
  const auto drained = queue("broker", "celery", {scenario::CountBound::Op::k_le, 0}, std::chrono::seconds{5});
  const Verdict pass = judge_queue(drained, "q", "s.queue", {depth(1, 40), depth(1.5, 12), depth(2, 0)});
  EXPECT_EQ(pass.outcome, Outcome::k_passed);
  EXPECT_EQ(pass.message, "queue 'celery' depth 0 (expected at most 0) after 3 reading(s)");
  const Verdict fail = judge_queue(drained, "q", "s.queue", {depth(1, 40), depth(6, 12)});
  EXPECT_EQ(fail.outcome, Outcome::k_failed);
  EXPECT_EQ(fail.message, "queue 'celery' depth 12 (expected at most 0) still after 5 s; depths read: 40, 12");
}

TEST(BrokerChecksTest, queue_that_could_not_be_read_is_an_error) {
  const auto check = queue("broker", "celery", {scenario::CountBound::Op::k_ge, 100}, std::nullopt);
  history::Event unread = depth(1, 0);
  unread.data = {{"queue", "celery"}, {"error", "connection refused"}};
  const Verdict v = judge_queue(check, "q", "s", {unread});
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "queue 'celery' of broker 'broker' could not be read: connection refused");
}

// The management API answers 404 for a queue nobody declared; the reading records depth 0 and exists: false.
TEST(BrokerChecksTest, queue_that_does_not_exist_is_an_error_not_depth_0) {
  const auto check = queue("broker", "celery", {scenario::CountBound::Op::k_le, 0}, std::nullopt);
  history::Event missing = depth(1, 0);
  missing.data["exists"] = false;
  const Verdict v = judge_queue(check, "q", "s", {missing});
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "queue 'celery' does not exist on broker 'broker' (HTTP 404 after 1 reading(s)): a missing "
                       "queue has no depth to judge");
}

// Samples of a broker no client was connected to say nothing about what a connection would have been.
TEST(BrokerChecksTest, connections_never_without_any_connection_is_an_error) {
  const auto never = connections("broker", "", "blocked", 1);
  const std::vector<history::Event> idle{
      sample(1.0, "broker", {{"connections", nlohmann::json::object()}, {"queues", nlohmann::json::object()}}),
      sample(2.0, "broker", {{"connections", nlohmann::json::object()}, {"queues", nlohmann::json::object()}})};
  const Verdict v = judge_connections(never, "c", "s", idle);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no connection to broker 'broker' in any sample: 'never blocked' has nothing to judge; 2 "
                       "samples of broker 'broker', states seen: none");
}

TEST(BrokerChecksTest, connections_without_samples_names_why) {
  const auto check = connections("nobody", "", "blocked", 1);
  const Verdict v = judge_connections(check, "c", "s", k_alarm_samples);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no broker.sample of 'nobody' to judge (the harness samples RabbitMQ while the steps run when "
                       "a connections check or a broker fault is present)");
}

}  // namespace
}  // namespace harness::check
