// The stuck check on hand-made histories (the task events a celery-monitor saw), with the exact messages.
#include "harness/check/stuck_check.h"

#include <gtest/gtest.h>

#include "tests/check/instance_history_test_util.h"
#include "tests/scenario/scenario_test_util.h"

namespace {
using harness::check::Outcome;
using harness::check::testing::ev;
using harness::history::Event;

harness::check::StuckParams stuck(std::chrono::milliseconds longer_than, std::string state = "started") {
  harness::check::StuckParams params;
  params.state = std::move(state);
  params.longer_than = longer_than;
  return params;
}

Event task(double t, const std::string& id, const std::string& state, const std::string& instance = "worker.1") {
  return ev(t, "monitor.task", instance, {{"id", id}, {"state", state}, {"name", "probe.sleep"}});
}

// t1 runs 2 s; t2 starts at 5 s and hangs (heartbeats go on until 40 s); the task-sent of t1 arrives late.
std::vector<Event> hung_task() {
  return {
      task(1.0, "t1", "received"), task(1.1, "t1", "started"), task(1.2, "t1", "sent", ""),
      task(3.1, "t1", "succeeded"),
      task(4.9, "t2", "received"), task(5.0, "t2", "started"),
      ev(40.0, "monitor.worker", "worker.1", {{"event", "heartbeat"}}),
  };
}

TEST(StuckCheck, passes_when_a_task_stays_started_longer_than_the_bound) {
  const auto v = harness::check::judge_stuck(stuck(std::chrono::seconds{30}), "s", "x.stuck", hung_task());
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "1 task(s) started longer than 30s (expected at least 1); the longest: t2 (probe.sleep on "
                       "worker.1) started at 5.0s, still started at 40.0s (35.0s)");
  EXPECT_EQ(v.details, "t2 (probe.sleep on worker.1) started at 5.0s, still started at 40.0s (35.0s)\n");
}

TEST(StuckCheck, fails_when_every_task_left_the_state_in_time) {
  auto history = hung_task();
  history.insert(history.end() - 1, task(7.0, "t2", "succeeded"));
  const auto v = harness::check::judge_stuck(stuck(std::chrono::seconds{30}), "s", "x.stuck", history);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "0 task(s) started longer than 30s (expected at least 1); the longest: t1 (probe.sleep on "
                       "worker.1) started at 1.1s, until 3.1s (2.0s)");
}

TEST(StuckCheck, a_count_bound_of_zero_asserts_that_nothing_was_stuck) {
  auto params = stuck(std::chrono::seconds{30});
  params.count = {harness::scenario::CountBound::Op::k_le, 0};
  const auto v = harness::check::judge_stuck(params, "s", "x.stuck", hung_task());
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "1 task(s) started longer than 30s (expected at most 0); the longest: t2 (probe.sleep on "
                       "worker.1) started at 5.0s, still started at 40.0s (35.0s)");
}

TEST(StuckCheck, judges_the_received_state_and_one_service_alone) {
  const auto received = harness::check::judge_stuck(stuck(std::chrono::milliseconds{50}, "received"), "s", "x.stuck",
                                                    hung_task());
  EXPECT_EQ(received.message, "2 task(s) received longer than 50ms (expected at least 1); the longest: t1 "
                              "(probe.sleep on worker.1) received at 1.0s, until 1.1s (0.1s)");
  auto params = stuck(std::chrono::seconds{30});
  params.service = "other";
  const auto none = harness::check::judge_stuck(params, "s", "x.stuck", hung_task());
  EXPECT_EQ(none.outcome, Outcome::k_error);
  EXPECT_EQ(none.message, "no celery-monitor saw a task of 'other' (no task event): nothing to judge");
}

TEST(StuckCheck, no_task_event_is_an_error) {
  const auto v = harness::check::judge_stuck(stuck(std::chrono::seconds{30}), "s", "x.stuck",
                                             {ev(1.0, "monitor.worker", "worker.1", {{"event", "online"}})});
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no celery-monitor saw a task (no task event): nothing to judge");
}

}  // namespace

namespace harness::check {
namespace {
using scenario::testing::load_error;
using scenario::testing::load_ok;

const std::string k_worker = "name: t\nservices:\n  broker: {image: rabbitmq}\n"
                             "  worker: {image: celery-worker, broker: broker}\n";

TEST(StuckCheckReader, reads_its_keys_and_names_the_check) {
  const auto s = load_ok(k_worker + "  flower: {kind: celery-monitor, broker: broker}\nchecks:\n"
                                    "  - stuck: {state: started, longer_than: 30s}\n"
                                    "  - stuck: {longer_than: 5s, service: worker, count: 0}\n");
  EXPECT_EQ(s.checks[0].name, "stuck started > 30s");
  EXPECT_EQ(s.checks[1].name, "stuck worker started > 5s count <= 0");
}

TEST(StuckCheckReader, needs_a_monitor_a_bound_and_a_state_it_knows) {
  EXPECT_EQ(load_error(k_worker + "checks:\n  - stuck: {longer_than: 30s}\n"),
            "test.yaml:6:12: stuck check needs a celery-monitor service (kind: celery-monitor) to see task states");
  const std::string monitored = k_worker + "  flower: {kind: celery-monitor, broker: broker}\nchecks:\n";
  EXPECT_EQ(load_error(monitored + "  - stuck: {state: running, longer_than: 30s}\n"),
            "test.yaml:7:20: invalid value 'running' for 'state' (expected one of: received, started)");
  EXPECT_EQ(load_error(monitored + "  - stuck: {state: started}\n"), "test.yaml:7:12: missing required key 'longer_than' in stuck check");
}

}  // namespace
}  // namespace harness::check
