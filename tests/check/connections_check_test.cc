// The connections check on hand-made broker.sample events, with the exact message.
#include "harness/check/connections_check.h"

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

ConnectionsParams connections(std::string broker, std::string state, std::string never, int min) {
  ConnectionsParams params;
  params.broker = std::move(broker);
  params.state = std::move(state);
  params.never = std::move(never);
  params.min = min;
  return params;
}

const std::vector<history::Event> k_alarm_samples{
    sample(1.0, "broker", {{"connections", {{"running", 3}}}, {"queues", {{"celery", 0}}}}),
    sample(2.0, "broker", {{"error", "connection refused"}}),
    sample(3.0, "broker", {{"connections", {{"blocked", 2}, {"blocking", 1}}}, {"queues", {{"celery", 0}}}}),
    sample(4.0, "other", {{"connections", {{"blocked", 9}}}, {"queues", nlohmann::json::object()}}),
};

TEST(ConnectionsCheck, state_reached) {
  const auto check = connections("broker", "blocked", "", 1);
  const Verdict v = judge_connections(check, "c", "s.connections", k_alarm_samples);
  EXPECT_EQ(v.outcome, Outcome::k_passed) << v.message;
  EXPECT_EQ(v.message, "2 connection(s) blocked at 3 s; 2 samples of broker 'broker' (1 unanswered), states seen: "
                       "blocked (up to 2), blocking (up to 1), running (up to 3)");
}

TEST(ConnectionsCheck, state_fails_below_min_and_on_another_broker_only) {
  const auto check = connections("broker", "blocked", "", 3);
  const Verdict v = judge_connections(check, "c", "s.connections", k_alarm_samples);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected at least 3 connection(s) blocked in a sample, saw at most 2; 2 samples of broker "
                       "'broker' (1 unanswered), states seen: blocked (up to 2), blocking (up to 1), running (up to 3)");
  const auto flow = connections("broker", "flow", "", 1);
  EXPECT_EQ(judge_connections(flow, "c", "s", k_alarm_samples).outcome, Outcome::k_failed);
}

TEST(ConnectionsCheck, never_fails_on_a_sampled_state_and_passes_on_another) {
  const auto blocked = connections("broker", "", "blocked", 1);
  const Verdict v = judge_connections(blocked, "c", "s", k_alarm_samples);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message.substr(0, 55), "2 connection(s) blocked at 3 s (expected never blocked)");
  const auto flow = connections("broker", "", "flow", 1);
  EXPECT_EQ(judge_connections(flow, "c", "s", k_alarm_samples).outcome, Outcome::k_passed);
}

TEST(ConnectionsCheck, without_samples_is_an_error) {
  const auto check = connections("nobody", "blocked", "", 1);
  EXPECT_EQ(judge_connections(check, "c", "s", k_alarm_samples).outcome, Outcome::k_error);
}

// Samples of a broker no client was connected to say nothing about what a connection would have been.
TEST(ConnectionsCheck, never_without_any_connection_is_an_error) {
  const auto never = connections("broker", "", "blocked", 1);
  const std::vector<history::Event> idle{
      sample(1.0, "broker", {{"connections", nlohmann::json::object()}, {"queues", nlohmann::json::object()}}),
      sample(2.0, "broker", {{"connections", nlohmann::json::object()}, {"queues", nlohmann::json::object()}})};
  const Verdict v = judge_connections(never, "c", "s", idle);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no connection to broker 'broker' in any sample: 'never blocked' has nothing to judge; 2 "
                       "samples of broker 'broker', states seen: none");
}

TEST(ConnectionsCheck, without_samples_names_why) {
  const auto check = connections("nobody", "", "blocked", 1);
  const Verdict v = judge_connections(check, "c", "s", k_alarm_samples);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no broker.sample of 'nobody' to judge (the harness samples RabbitMQ while the steps run when "
                       "a connections check or a broker fault is present)");
}

}  // namespace
}  // namespace harness::check
