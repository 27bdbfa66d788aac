// The monitor check on hand-made histories (what a celery-monitor saw), with the exact messages.
#include "harness/check/monitor_check.h"

#include <gtest/gtest.h>

#include "tests/check/instance_history_test_util.h"
#include "tests/scenario/scenario_test_util.h"

namespace {
using harness::check::Outcome;
using harness::check::testing::ev;
using harness::history::Event;

harness::check::MonitorParams monitor(const std::string& service, bool offline,
                                      std::optional<std::chrono::milliseconds> within = std::nullopt) {
  harness::check::MonitorParams params;
  params.service = service;
  params.offline = offline;
  params.within = within;
  return params;
}

// Two workers seen online; worker.1 paused at 10 s, its last heartbeat at 9.5 s, seen offline at 13.6 s.
std::vector<Event> paused_worker() {
  return {
      ev(2.0, "monitor.status", "worker.1", {{"status", "online"}, {"at", 100.0}, {"last_heartbeat", 100.0}}),
      ev(2.1, "monitor.status", "worker.2", {{"status", "online"}, {"at", 100.1}, {"last_heartbeat", 100.1}}),
      ev(9.5, "monitor.worker", "worker.1", {{"event", "heartbeat"}, {"at", 107.5}}),
      ev(10.0, "fault.start", "worker.1", {{"kind", "pause"}}),
      ev(13.6, "monitor.status", "worker.1",
         {{"status", "offline"}, {"at", 111.6}, {"last_heartbeat", 107.5}, {"expires", 111.5}}),
      ev(14.0, "monitor.worker", "worker.2", {{"event", "heartbeat"}, {"at", 112.0}}),
  };
}

TEST(MonitorCheck, passes_when_an_instance_is_seen_offline_within_the_time_of_the_fault) {
  const auto v = harness::check::judge_monitor(monitor("worker", true, std::chrono::seconds{10}), "m", "s.monitor",
                                               paused_worker());
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "worker.1 seen offline 3.6s after the first fault (pause at 10.0s), its last heartbeat 4.1s "
                       "before that");
  EXPECT_EQ(v.details, "statuses seen: worker.1 online at 2.0s, worker.2 online at 2.1s, worker.1 offline at 13.6s\n");
}

TEST(MonitorCheck, fails_when_the_offline_comes_later_than_within) {
  const auto v = harness::check::judge_monitor(monitor("worker.1", true, std::chrono::seconds{3}), "m", "s.monitor",
                                               paused_worker());
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected 'worker.1' to be seen offline within 3s of the first fault (pause at 10.0s); it was "
                       "not (worker.1 online at 2.0s, worker.1 offline at 13.6s)");
}

TEST(MonitorCheck, fails_when_no_instance_goes_offline) {
  auto history = paused_worker();
  history.erase(history.begin() + 4);  // no offline status
  const auto v = harness::check::judge_monitor(monitor("worker", true, std::chrono::seconds{10}), "m", "s.monitor",
                                               history);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected 'worker' to be seen offline within 10s of the first fault (pause at 10.0s); it was "
                       "not (worker.1 online at 2.0s, worker.2 online at 2.1s)");
  const auto ever = harness::check::judge_monitor(monitor("worker", true), "m", "s.monitor", history);
  EXPECT_EQ(ever.outcome, Outcome::k_failed);
  EXPECT_EQ(ever.message, "expected 'worker' to be seen offline; it never was (worker.1 online at 2.0s, worker.2 "
                          "online at 2.1s)");
}

TEST(MonitorCheck, offline_false_holds_for_the_instance_that_stayed_online_only) {
  const auto survivor = harness::check::judge_monitor(monitor("worker.2", false), "m", "s.monitor", paused_worker());
  EXPECT_EQ(survivor.outcome, Outcome::k_passed);
  EXPECT_EQ(survivor.message, "'worker.2' was never seen offline (worker.2 online at 2.1s)");
  const auto both = harness::check::judge_monitor(monitor("worker", false), "m", "s.monitor", paused_worker());
  EXPECT_EQ(both.outcome, Outcome::k_failed);
  EXPECT_EQ(both.message, "expected 'worker' never to be seen offline; worker.1 was at 13.6s, its last heartbeat 4.1s "
                          "before that");
}

TEST(MonitorCheck, a_fault_on_the_whole_service_counts_for_its_instance) {
  auto history = paused_worker();
  history[3].service = "worker";
  const auto v = harness::check::judge_monitor(monitor("worker.1", true, std::chrono::seconds{10}), "m", "s.monitor",
                                               history);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
}

TEST(MonitorCheck, nothing_seen_or_no_fault_is_an_error) {
  const auto unseen = harness::check::judge_monitor(monitor("other", true), "m", "s.monitor", paused_worker());
  EXPECT_EQ(unseen.outcome, Outcome::k_error);
  EXPECT_EQ(unseen.message, "no celery-monitor saw 'other' (no event of its instances): nothing to judge");
  auto history = paused_worker();
  history.erase(history.begin() + 3);  // no fault
  const auto no_fault = harness::check::judge_monitor(monitor("worker", true, std::chrono::seconds{10}), "m",
                                                      "s.monitor", history);
  EXPECT_EQ(no_fault.outcome, Outcome::k_error);
  EXPECT_EQ(no_fault.message, "'within' counts from the first fault on 'worker', but none started");
}

}  // namespace

namespace harness::check {
namespace {
using scenario::testing::load_error;
using scenario::testing::load_ok;

const std::string k_services = "name: t\nservices:\n  broker: {image: rabbitmq}\n"
                               "  worker: {image: celery-worker, broker: broker, replicas: 2}\n"
                               "  lone: {image: celery-worker, broker: broker}\n"
                               "  flower: {kind: celery-monitor, broker: broker, watch: [worker]}\n"
                               "checks:\n";

TEST(MonitorCheckReader, reads_a_watched_worker_or_instance_and_names_the_check) {
  const auto s = load_ok(k_services + "  - monitor: {service: worker.1, offline: true, within: 10s}\n"
                                      "  - monitor: {service: worker, offline: false}\n");
  EXPECT_EQ(s.checks[0].name, "monitor worker.1 offline within 10s");
  EXPECT_EQ(s.checks[1].name, "monitor worker never offline");
}

TEST(MonitorCheckReader, reports_an_unwatched_or_other_service_and_a_within_without_offline) {
  EXPECT_EQ(load_error(k_services + "  - monitor: {service: lone, offline: true}\n"),
            "test.yaml:8:24: monitor check on 'lone', but no celery-monitor service watches 'lone' (add one: "
            "{kind: celery-monitor, broker: broker})");
  EXPECT_EQ(load_error(k_services + "  - monitor: {service: broker, offline: true}\n"),
            "test.yaml:8:24: service 'broker' of monitor check is a rabbitmq service (expected celery-worker)");
  EXPECT_EQ(load_error(k_services + "  - monitor: {service: worker, offline: false, within: 5s}\n"),
            "test.yaml:8:48: monitor check has 'within' with 'offline: false' (never offline holds for the whole run)");
  EXPECT_EQ(load_error(k_services + "  - monitor: {service: worker}\n"),
            "test.yaml:8:14: missing required key 'offline' in monitor check");
}

}  // namespace
}  // namespace harness::check
