#include "harness/health/backoff.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace {

using harness::health::Backoff;
using harness::health::scaled;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

// The delays of `count` restarts of a container that crashes right after starting.
std::vector<milliseconds> crash_loop(Backoff& backoff, int count, milliseconds ran_for = 1s) {
  std::vector<milliseconds> delays;
  for (int i = 0; i < count; ++i) delays.push_back(backoff.next_delay(ran_for));
  return delays;
}

TEST(BackoffDocker, delay_starts_at_100ms_and_doubles_up_to_one_minute) {
  Backoff backoff(Backoff::docker());
  const std::vector<milliseconds> expected{100ms,    200ms,    400ms,    800ms,     1'600ms, 3'200ms, 6'400ms,
                                           12'800ms, 25'600ms, 51'200ms, 60'000ms, 60'000ms};
  EXPECT_EQ(crash_loop(backoff, 12), expected);
  EXPECT_EQ(backoff.restarts(), 12);
}

TEST(BackoffDocker, running_10_seconds_resets_the_delay) {
  Backoff backoff(Backoff::docker());
  crash_loop(backoff, 5);                              // 100ms .. 1.6s
  EXPECT_EQ(backoff.next_delay(9'999ms), 3'200ms);     // not long enough
  EXPECT_EQ(backoff.next_delay(10s), 100ms);           // executionDuration >= 10s
  EXPECT_EQ(backoff.next_delay(1s), 200ms);
  EXPECT_EQ(backoff.restarts(), 8);
}

TEST(BackoffDocker, the_cap_holds_after_a_long_crash_loop) {
  Backoff backoff(Backoff::docker());
  auto delays = crash_loop(backoff, 200, 0ms);
  EXPECT_EQ(delays.back(), 60s);
}

TEST(BackoffKubernetes, first_restart_is_immediate_then_10s_doubling_to_5_minutes) {
  Backoff backoff(Backoff::kubernetes());
  const std::vector<milliseconds> expected{0ms, 10s, 20s, 40s, 80s, 160s, 300s, 300s};
  EXPECT_EQ(crash_loop(backoff, 8), expected);
}

TEST(BackoffKubernetes, only_a_run_longer_than_10_minutes_resets_the_delay) {
  Backoff backoff(Backoff::kubernetes());
  crash_loop(backoff, 4);                              // 0, 10s, 20s, 40s
  EXPECT_EQ(backoff.next_delay(10min), 80s);           // hasExpired is strictly greater than 2 x 300s
  EXPECT_EQ(backoff.next_delay(10min + 1ms), 0ms);     // expired: as the first crash
  EXPECT_EQ(backoff.next_delay(1s), 10s);
}

TEST(BackoffPolicy, named_policies_match_the_scenario_keys) {
  ASSERT_TRUE(Backoff::named("docker").has_value());
  EXPECT_EQ(Backoff::named("docker")->initial, 100ms);
  ASSERT_TRUE(Backoff::named("kubernetes").has_value());
  EXPECT_EQ(Backoff::named("kubernetes")->max, 300s);
  EXPECT_FALSE(Backoff::named("swarm").has_value());
}

TEST(BackoffPolicy, scaling_multiplies_every_duration_but_not_the_factor) {
  const Backoff::Policy policy = scaled(Backoff::docker(), 0.1);
  EXPECT_EQ(policy.initial, 10ms);
  EXPECT_EQ(policy.max, 6s);
  EXPECT_EQ(policy.reset_after, 1s);
  EXPECT_DOUBLE_EQ(policy.factor, 2.0);

  Backoff backoff(scaled(Backoff::kubernetes(), 0.01));
  const std::vector<milliseconds> expected{0ms, 100ms, 200ms, 400ms, 800ms, 1'600ms, 3s, 3s};
  EXPECT_EQ(crash_loop(backoff, 8, 10ms), expected);
  EXPECT_EQ(backoff.next_delay(6'001ms), 0ms);  // 10 minutes scaled to 6 s
}

TEST(BackoffPolicy, scaling_keeps_non_zero_durations_at_least_one_millisecond) {
  const Backoff::Policy policy = scaled(Backoff::docker(), 0.001);
  EXPECT_EQ(policy.initial, 1ms);  // 0.1ms
  EXPECT_EQ(policy.max, 60ms);
}

TEST(BackoffPolicy, scaling_by_a_non_positive_factor_is_a_programming_error) {
  EXPECT_THROW(scaled(Backoff::docker(), 0.0), std::invalid_argument);
  EXPECT_THROW(scaled(Backoff::docker(), -1.0), std::invalid_argument);
}

}  // namespace
