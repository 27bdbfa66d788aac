#include "harness/health/health_state.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using harness::health::HealthState;
using harness::health::HealthTracker;
using harness::health::HealthTrackerOptions;
using harness::health::ProbeFlavor;
using harness::health::ProbeResult;
using harness::health::TimePoint;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

const TimePoint k_t0 = TimePoint{} + 1000s;  // the container started

harness::scenario::HealthCheck check(milliseconds interval, milliseconds start_period, int retries = 3,
                                     milliseconds timeout = 2s) {
  harness::scenario::HealthCheck config;
  config.test = {"CMD-SHELL", "true"};
  config.interval = interval;
  config.timeout = timeout;
  config.start_period = start_period;
  config.retries = retries;
  return config;
}

ProbeResult ok(milliseconds duration = 100ms) { return {0, false, duration, ""}; }
ProbeResult failed(std::string output = "down", milliseconds duration = 100ms) {
  return {1, false, duration, std::move(output)};
}

// ---- Docker: moby/moby daemon/health.go ----

TEST(HealthTrackerDocker, starts_in_starting_and_probes_first_after_one_interval) {
  HealthTracker tracker(check(30s, 0s), k_t0);
  EXPECT_EQ(tracker.state(), HealthState::k_starting);
  EXPECT_STREQ(to_string(tracker.state()), "starting");
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 30s);
}

TEST(HealthTrackerDocker, failures_during_start_period_do_not_count) {
  HealthTracker tracker(check(5s, 60s, 1), k_t0);
  for (auto at : {5s, 10s, 15s, 55s}) EXPECT_EQ(tracker.record(failed(), k_t0 + at), HealthState::k_starting);
  EXPECT_EQ(tracker.failing_streak(), 0);
}

TEST(HealthTrackerDocker, a_failure_is_judged_by_when_the_probe_started) {
  HealthTracker tracker(check(5s, 10s, 1), k_t0);
  // Started at 9s, inside the start period, finished at 11s: not counted.
  EXPECT_EQ(tracker.record(failed("slow", 2s), k_t0 + 11s), HealthState::k_starting);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 16s), HealthState::k_unhealthy);
}

TEST(HealthTrackerDocker, a_success_during_start_period_makes_it_healthy_at_once) {
  HealthTracker tracker(check(5s, 60s), k_t0);
  EXPECT_EQ(tracker.record(ok(), k_t0 + 5s), HealthState::k_healthy);
  EXPECT_STREQ(to_string(tracker.state()), "healthy");
}

TEST(HealthTrackerDocker, after_a_success_failures_count_even_inside_start_period) {
  HealthTracker tracker(check(5s, 60s, 2), k_t0);
  tracker.record(ok(), k_t0 + 5s);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 10s), HealthState::k_healthy);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 15s), HealthState::k_unhealthy);
  EXPECT_EQ(tracker.failing_streak(), 2);
}

TEST(HealthTrackerDocker, retries_consecutive_failures_after_start_period_make_it_unhealthy) {
  HealthTracker tracker(check(1s, 0s, 3), k_t0);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 1s), HealthState::k_starting);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 2s), HealthState::k_starting);
  EXPECT_EQ(tracker.failing_streak(), 2);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 3s), HealthState::k_unhealthy);
  EXPECT_STREQ(to_string(tracker.state()), "unhealthy");
  EXPECT_EQ(tracker.record(failed(), k_t0 + 4s), HealthState::k_unhealthy);
  EXPECT_EQ(tracker.failing_streak(), 4);  // keeps counting
}

TEST(HealthTrackerDocker, one_success_resets_the_streak_and_makes_it_healthy) {
  HealthTracker tracker(check(1s, 0s, 3), k_t0);
  tracker.record(ok(), k_t0 + 1s);
  tracker.record(failed(), k_t0 + 2s);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 3s), HealthState::k_healthy);
  EXPECT_EQ(tracker.record(ok(), k_t0 + 4s), HealthState::k_healthy);
  EXPECT_EQ(tracker.failing_streak(), 0);
  tracker.record(failed(), k_t0 + 5s);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 6s), HealthState::k_healthy);
}

TEST(HealthTrackerDocker, unhealthy_becomes_healthy_on_one_success) {
  HealthTracker tracker(check(1s, 0s, 1), k_t0);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 1s), HealthState::k_unhealthy);
  EXPECT_EQ(tracker.record(ok(), k_t0 + 2s), HealthState::k_healthy);
  EXPECT_EQ(tracker.failing_streak(), 0);
}

TEST(HealthTrackerDocker, a_timed_out_probe_is_a_failure_with_exit_code_minus_one) {
  HealthTracker tracker(check(1s, 0s, 1, 2s), k_t0);
  EXPECT_EQ(tracker.record({0, true, 2s, "partial"}, k_t0 + 3s), HealthState::k_unhealthy);
  EXPECT_EQ(tracker.log().back().exit_code, -1);
  EXPECT_EQ(tracker.log().back().output, "Health check exceeded timeout (2s): partial");
  tracker.record({0, true, 2s, ""}, k_t0 + 6s);
  EXPECT_EQ(tracker.log().back().output, "Health check exceeded timeout (2s)");
}

TEST(HealthTrackerDocker, timeout_message_prints_the_timeout_as_go_does) {
  HealthTracker tracker(check(1s, 0s, 1, 1'500ms), k_t0);
  tracker.record({0, true, 1'500ms, ""}, k_t0 + 3s);
  EXPECT_EQ(tracker.log().back().output, "Health check exceeded timeout (1.5s)");
  HealthTracker minutes(check(1s, 0s, 1, 90s), k_t0);
  minutes.record({0, true, 90s, ""}, k_t0 + 100s);
  EXPECT_EQ(minutes.log().back().output, "Health check exceeded timeout (1m30s)");
}

TEST(HealthTrackerDocker, next_probe_is_one_interval_after_the_previous_one_finished) {
  HealthTracker tracker(check(30s, 0s), k_t0);
  tracker.record(ok(1'500ms), k_t0 + 31'500ms);
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 61'500ms);
}

TEST(HealthTrackerDocker, start_interval_applies_while_starting_in_the_start_period) {
  HealthTracker tracker(check(30s, 120s), k_t0);
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 5s);  // Docker's default start interval
  tracker.record(failed(), k_t0 + 5s);
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 10s);
  tracker.record(ok(), k_t0 + 10s);  // healthy: back to the interval
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 40s);

  HealthTracker custom(check(30s, 120s), k_t0, HealthTrackerOptions{ProbeFlavor::k_docker, 2s});
  EXPECT_EQ(custom.next_probe_at(), k_t0 + 2s);
}

TEST(HealthTrackerDocker, the_default_start_interval_is_slower_than_a_short_interval) {
  // getInterval returns start_interval (default 5s) while starting in the start period, even when `interval` is
  // shorter: a 1s interval with a 20s start period probes at 5s, 10s, 15s, 20s, then every second.
  HealthTracker tracker(check(1s, 20s), k_t0);
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 5s);
  tracker.record(failed(), k_t0 + 15s);
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 20s);
  tracker.record(failed(), k_t0 + 19'500ms);  // 0.5s left, less than the interval
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 20s);
  tracker.record(failed(), k_t0 + 20s);
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 21s);
}

TEST(HealthTrackerDocker, no_probe_waits_past_the_end_of_the_start_period) {
  HealthTracker short_period(check(30s, 10s), k_t0);
  EXPECT_EQ(short_period.next_probe_at(), k_t0 + 10s);
  HealthTracker tracker(check(30s, 60s), k_t0);
  tracker.record(failed(), k_t0 + 40s);  // 20s of the start period left, less than the interval
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 60s);
  tracker.record(failed(), k_t0 + 60s);
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 90s);
}

TEST(HealthTrackerDocker, zero_values_take_dockers_defaults) {
  HealthTracker tracker(check(0s, 0s, 0, 0s), k_t0);
  EXPECT_EQ(tracker.interval(), 30s);
  EXPECT_EQ(tracker.probe_timeout(), 30s);
  EXPECT_EQ(tracker.start_interval(), 5s);
  EXPECT_EQ(tracker.retries(), 3);
}

TEST(HealthTrackerDocker, log_keeps_the_last_five_results_with_outputs_cut_at_4096_bytes) {
  HealthTracker tracker(check(1s, 0s, 100), k_t0);
  for (int i = 1; i <= 7; ++i) tracker.record(failed("probe " + std::to_string(i)), k_t0 + i * 1s);
  ASSERT_EQ(tracker.log().size(), 5u);
  EXPECT_EQ(tracker.log().front().output, "probe 3");
  EXPECT_EQ(tracker.log().back().output, "probe 7");
  tracker.record(failed(std::string(5000, 'x')), k_t0 + 10s);
  EXPECT_EQ(tracker.log().back().output, std::string(4096, 'x') + "...");
}

TEST(HealthTrackerDocker, reset_on_restart_starts_again_and_keeps_the_log) {
  HealthTracker tracker(check(1s, 5s, 1), k_t0);
  tracker.record(ok(), k_t0 + 1s);
  tracker.record(failed(), k_t0 + 2s);
  ASSERT_EQ(tracker.state(), HealthState::k_unhealthy);
  const TimePoint t1 = k_t0 + 10s;
  tracker.reset(t1);
  EXPECT_EQ(tracker.state(), HealthState::k_starting);
  EXPECT_EQ(tracker.failing_streak(), 0);
  EXPECT_EQ(tracker.next_probe_at(), t1 + 5s);  // a new start period: start_interval (5s), clamped to its end
  EXPECT_EQ(tracker.log().size(), 2u);
  EXPECT_EQ(tracker.record(failed(), t1 + 4s), HealthState::k_starting);  // inside the new start period
}

// ---- Kubernetes liveness: kubernetes/kubernetes pkg/kubelet/prober/worker.go ----

HealthTracker kube(harness::scenario::HealthCheck config) {
  return HealthTracker(config, k_t0, HealthTrackerOptions{ProbeFlavor::k_kubernetes, {}});
}

TEST(HealthTrackerKubernetes, no_probe_runs_before_the_initial_delay_and_none_is_ignored_after) {
  HealthTracker tracker = kube(check(10s, 30s, 1));
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 30s);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 20s), HealthState::k_starting);  // not run by the kubelet: ignored
  EXPECT_TRUE(tracker.log().empty());
  EXPECT_EQ(tracker.record(failed(), k_t0 + 30'100ms), HealthState::k_unhealthy);  // no grace period
}

TEST(HealthTrackerKubernetes, failure_threshold_failures_in_a_row_make_it_unhealthy_and_stop_probing) {
  HealthTracker tracker = kube(check(10s, 0s, 3));
  tracker.record(ok(), k_t0 + 100ms);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 10'100ms), HealthState::k_healthy);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 20'100ms), HealthState::k_healthy);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 30'100ms), HealthState::k_unhealthy);
  EXPECT_EQ(tracker.next_probe_at(), TimePoint::max());  // on hold until a new container
  EXPECT_EQ(tracker.record(ok(), k_t0 + 40'100ms), HealthState::k_unhealthy);
  tracker.reset(k_t0 + 60s);
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 60s);
}

TEST(HealthTrackerKubernetes, success_threshold_successes_in_a_row_are_needed) {
  auto config = check(10s, 0s, 2);
  config.success_threshold = 2;
  HealthTracker tracker = kube(config);
  EXPECT_EQ(tracker.record(ok(), k_t0 + 100ms), HealthState::k_starting);
  EXPECT_EQ(tracker.record(ok(), k_t0 + 10'100ms), HealthState::k_healthy);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 20'100ms), HealthState::k_healthy);
  EXPECT_EQ(tracker.record(ok(), k_t0 + 30'100ms), HealthState::k_healthy);  // one success breaks the run
  EXPECT_EQ(tracker.record(failed(), k_t0 + 40'100ms), HealthState::k_healthy);
}

TEST(HealthTrackerKubernetes, probes_tick_at_a_fixed_rate_from_each_probe_start) {
  HealthTracker tracker = kube(check(10s, 5s));
  tracker.record(ok(2s), k_t0 + 7s);  // started at 5s
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 15s);
  tracker.record(ok(12s), k_t0 + 27s);  // longer than the period: the next tick fires at once
  EXPECT_EQ(tracker.next_probe_at(), k_t0 + 27s);
}

TEST(HealthTrackerKubernetes, a_failure_run_survives_a_restart_the_probe_did_not_cause) {
  HealthTracker tracker = kube(check(10s, 0s, 3));
  tracker.record(failed(), k_t0 + 1s);
  tracker.record(failed(), k_t0 + 11s);
  tracker.reset(k_t0 + 15s);  // the container crashed on its own
  EXPECT_EQ(tracker.state(), HealthState::k_starting);
  EXPECT_EQ(tracker.record(failed(), k_t0 + 16s), HealthState::k_unhealthy);  // resultRun was 2
}

TEST(HealthTrackerKubernetes, zero_values_take_kubernetes_defaults) {
  auto config = check(0s, 0s, 0, 0s);
  config.success_threshold = 0;
  HealthTracker tracker = kube(config);
  EXPECT_EQ(tracker.interval(), 10s);
  EXPECT_EQ(tracker.probe_timeout(), 1s);
  EXPECT_EQ(tracker.retries(), 3);
  EXPECT_EQ(tracker.success_threshold(), 1);
}

}  // namespace
