// The health check on hand-made histories: it passes where its property holds and fails where it is broken,
// with the exact message.
#include "harness/check/health_check.h"

#include <gtest/gtest.h>

#include "tests/check/instance_history_test_util.h"

namespace {
using harness::check::Outcome;
using harness::check::testing::ev;
using harness::check::testing::flapping_worker;
using namespace std::chrono_literals;

// The parameters of each kind, written as the tests' braces: {service, state, within, never, always}, ...
struct HealthSpec {
  std::string service;
  std::string state;
  std::optional<std::chrono::milliseconds> within;
  std::string never;
  std::string always;
};
harness::check::HealthParams health(const HealthSpec& spec) {
  harness::check::HealthParams params;
  params.service = spec.service;
  params.state = spec.state;
  params.within = spec.within;
  params.never = spec.never;
  params.always = spec.always;
  return params;
}

TEST(HealthCheck, within_passes_when_the_state_is_reached_in_time) {
  auto v = harness::check::judge_health(health({"worker", "unhealthy", 10s, "", ""}), "h", "s.health", flapping_worker());
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "worker.1 became unhealthy 9.0s after the stack was ready");
}

TEST(HealthCheck, within_fails_when_the_state_comes_too_late) {
  auto v = harness::check::judge_health(health({"worker", "unhealthy", 5s, "", ""}), "h", "s.health", flapping_worker());
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message.substr(0, 68), "expected 'worker' to become unhealthy within 5s; it did not (worker.");
  // The failure shows the last probe outputs.
  EXPECT_NE(v.details.find("probe at 9.0s on worker.1: exit 1 -> healthy\n  Error: No nodes replied"), std::string::npos);
  EXPECT_NE(v.details.find("probe at 11.0s on worker.1: timed out -> unhealthy"), std::string::npos);
}

// `after: fault`: a state reached before the first fault does not count, so a worker that went unhealthy while
// its broker was still booting does not pass "turns unhealthy under the fault" for the wrong reason.
harness::check::HealthParams after_fault(harness::check::HealthParams spec) {
  spec.after_fault = true;
  return spec;
}

std::vector<harness::history::Event> with_fault_at(double t) {
  auto history = flapping_worker();
  history.push_back(ev(t, "fault.start", "broker", {{"kind", "pidbox-reply-expiry"}}));
  std::stable_sort(history.begin(), history.end(), [](const harness::history::Event& a, const harness::history::Event& b) { return a.t < b.t; });
  return history;
}

TEST(HealthCheck, after_a_fault_only_changes_from_the_fault_on_count) {
  const auto unhealthy_within = after_fault(health({"worker", "unhealthy", 10s, "", ""}));
  auto v = harness::check::judge_health(unhealthy_within, "h", "s.health", with_fault_at(12.5));
  EXPECT_EQ(v.outcome, Outcome::k_failed);  // unhealthy at 11.0, before the fault
  EXPECT_EQ(v.message.substr(0, 70), "expected 'worker' to become unhealthy within 10s; it did not (worker.1");
  v = harness::check::judge_health(unhealthy_within, "h", "s.health", with_fault_at(6.0));
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "worker.1 became unhealthy 5.0s after the first fault (pidbox-reply-expiry)");
}

TEST(HealthCheck, after_a_fault_never_and_always_judge_the_state_at_the_fault_too) {
  const auto never_unhealthy = after_fault(health({"worker", "", std::nullopt, "unhealthy", ""}));
  EXPECT_EQ(harness::check::judge_health(never_unhealthy, "h", "s.health", with_fault_at(12.5)).outcome,
            Outcome::k_passed);  // starting at the fault (12.1), healthy at 15.0
  auto v = harness::check::judge_health(never_unhealthy, "h", "s.health", with_fault_at(11.5));
  EXPECT_EQ(v.outcome, Outcome::k_failed);  // unhealthy since 11.0: still unhealthy when the fault started
  EXPECT_EQ(v.message, "expected 'worker' never to be unhealthy; worker.1 was at -0.5s");
  EXPECT_EQ(harness::check::judge_health(after_fault(health({"worker", "", std::nullopt, "", "healthy"})), "h", "s.health",
                                         with_fault_at(16.0))
                .outcome,
            Outcome::k_passed);  // healthy since 15.0 and never left it
}

TEST(HealthCheck, after_a_fault_without_any_fault_is_an_error) {
  const auto v = harness::check::judge_health(after_fault(health({"worker", "", std::nullopt, "unhealthy", ""})), "h",
                                              "s.health", flapping_worker());
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "'after: fault', but no fault started in this run");
}

TEST(HealthCheck, never_fails_when_the_state_occurs) {
  auto v = harness::check::judge_health(health({"worker", "", std::nullopt, "unhealthy", ""}), "h", "s.health", flapping_worker());
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected 'worker' never to be unhealthy; worker.1 was at 9.0s");
}

TEST(HealthCheck, never_passes_when_the_state_never_occurs) {
  auto history = flapping_worker();
  history.resize(5);  // started, ready, starting, healthy, one passing probe
  auto v = harness::check::judge_health(health({"worker", "", std::nullopt, "unhealthy", ""}), "h", "s.health", history);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
}

TEST(HealthCheck, always_fails_when_the_state_is_left) {
  auto v = harness::check::judge_health(health({"worker", "", std::nullopt, "", "healthy"}), "h", "s.health", flapping_worker());
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected 'worker' to stay healthy; worker.1 became unhealthy at 9.0s");
}

TEST(HealthCheck, always_fails_when_the_state_is_never_reached) {
  std::vector<harness::history::Event> history = {ev(1, "stack.ready", ""), ev(1, "health.state", "worker.1", {{"state", "starting"}}),
                                ev(3, "health.probe", "worker.1", {{"exit_code", 1}, {"state", "starting"}})};
  auto v = harness::check::judge_health(health({"worker", "", std::nullopt, "", "healthy"}), "h", "s.health", history);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected 'worker' to be healthy throughout; it never was (worker.1 starting at 0.0s)");
}

// An instance that never ran a probe was never unhealthy, nor anything else: never/always over it prove nothing.
TEST(HealthCheck, never_or_always_without_any_probe_is_an_error) {
  const std::vector<harness::history::Event> unprobed = {ev(1, "service.started", "worker.1"), ev(2, "stack.ready", ""),
                                       ev(2, "health.state", "worker.1", {{"state", "starting"}})};
  auto v = harness::check::judge_health(health({"worker", "", std::nullopt, "unhealthy", ""}), "h", "s.health", unprobed);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no health probe of 'worker' ran: nothing to judge");
  v = harness::check::judge_health(health({"worker", "", std::nullopt, "", "healthy"}), "h", "s.health", unprobed);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no health probe of 'worker' ran: nothing to judge");
  v = harness::check::judge_health(health({"worker", "unhealthy", 10s, "", ""}), "h", "s.health", unprobed);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no health probe of 'worker' ran: nothing to judge");
}

TEST(HealthCheck, never_over_an_instance_that_ran_no_probe_is_an_error) {
  auto history = flapping_worker();
  history.resize(5);  // worker.1 probed at 9.0 s; worker.2 below never
  history.push_back(ev(3.0, "health.state", "worker.2", {{"state", "starting"}}));
  const auto v = harness::check::judge_health(health({"worker", "", std::nullopt, "unhealthy", ""}), "h", "s.health", history);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no health probe of worker.2 ran: nothing to judge");
}

TEST(HealthCheck, after_a_fault_without_a_probe_after_it_is_an_error) {
  const auto v = harness::check::judge_health(after_fault(health({"worker", "", std::nullopt, "unhealthy", ""})), "h",
                                              "s.health", with_fault_at(19.0));
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no health probe of 'worker' ran after the first fault (pidbox-reply-expiry): nothing to judge");
}

}  // namespace
