// The delivery check on hand-made publishes, executions and faults: each property (lost, duplicated, phantom,
// latency, recovery) passes where it holds and fails where it is broken, with the exact message. The same from
// real files: delivery_files_test.cc; 1,000,000 tasks: only in tests/bench/delivery_bench.cc.
#include "harness/check/delivery_check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>

namespace harness::check {
namespace {

using namespace std::chrono_literals;
using scenario::CountBound;
using check::DeliveryParams;
using Op = CountBound::Op;

constexpr double k_t = 1763832000.0;  // the first publish, epoch seconds

std::string uuid(int n) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "00000000-0000-4000-8000-%012d", n);
  return buffer;
}

// `count` tasks of load-1, published every 0.1 s from k_t, each executed 50 ms later on worker-1@host.
DeliveryInput steady(int count, int first = 0) {
  DeliveryInput input;
  for (int i = first; i < first + count; ++i) {
    input.add_publish(uuid(i), "load-1", PublishOutcome::k_confirmed, k_t + 0.1 * i);
    input.add_execution(uuid(i), "worker-1@host", k_t + 0.1 * i + 0.05);
  }
  return input;
}

Verdict judge(DeliveryInput& input, const DeliveryParams& check = {}) {
  const DeliveryAnalysis analysis = analyse_delivery(input, check.load);
  return delivery_verdict(check, "delivery", "s.delivery", analysis, input);
}

DeliveryParams allowing_loss() {
  DeliveryParams check;
  check.lost = CountBound{Op::k_ge, 0};
  return check;
}

// --- how long a publish call took ------------------------------------------------------------------------------

// publish_took bounds the longest publish call of the load: a 2 s confirm timeout honoured passes "<3s"; a call that
// blocked through a 10 s disk alarm (kombu 5.5) fails it naming the task, and passes ">=8s".
TEST(DeliveryCheck, publish_took_bounds_the_longest_publish_call) {
  DeliveryInput input;
  input.add_publish(uuid(1), "alarm", PublishOutcome::k_confirmed, k_t, {}, 0.03);
  input.add_publish(uuid(2), "alarm", PublishOutcome::k_timeout, k_t + 1, "OperationalError: timed out", 9.4);
  input.add_publish(uuid(3), "other", PublishOutcome::k_confirmed, k_t + 2, {}, 20.0);
  input.add_execution(uuid(1), "worker-1@host", k_t + 0.05);
  input.add_execution(uuid(3), "worker-1@host", k_t + 22.05);
  DeliveryParams check;
  check.load = "alarm";
  check.publish_took = parse_duration_bound("<3s");
  auto v = judge(input, check);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "longest publish call 9400.0 ms (" + uuid(2) + ") (expected < 3s)");
  check.publish_took = parse_duration_bound(">=8s");
  v = judge(input, check);
  EXPECT_EQ(v.outcome, Outcome::k_passed) << v.message;
  EXPECT_NE(v.message.find("longest publish call 9400.0 ms"), std::string::npos) << v.message;
  check.load = "";  // every load: the other load's 20 s call is the longest
  EXPECT_EQ(judge(input, check).outcome, Outcome::k_passed) << judge(input, check).message;
  check.publish_took = parse_duration_bound("<10s");
  EXPECT_NE(judge(input, check).message.find("longest publish call 20000.0 ms (" + uuid(3) + ")"), std::string::npos);
}

TEST(DeliveryCheck, publish_took_without_a_measured_call_fails) {
  auto input = steady(2);  // add_publish without took_s: an older history
  DeliveryParams check;
  check.publish_took = parse_duration_bound("<3s");
  const auto v = judge(input, check);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "longest publish call not measured: no publish said how long it took (expected < 3s)");
}

// --- lost, duplicated, phantom --------------------------------------------------------------------------------

TEST(DeliveryCheck, every_accepted_task_executed_once_passes) {
  auto input = steady(3);
  const auto v = judge(input);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.name, "delivery");
  EXPECT_EQ(v.classname, "s.delivery");
  EXPECT_EQ(v.message, "accepted 3, executed 3, lost 0, duplicated 0, phantom 0, latency p99 50.0 ms");
}

TEST(DeliveryCheck, a_lost_task_fails_naming_it) {
  DeliveryInput input;
  for (int i = 0; i < 3; ++i) input.add_publish(uuid(i), "load-1", PublishOutcome::k_confirmed, k_t + i);
  input.add_execution(uuid(0), "worker-1@host", k_t + 0.05);
  input.add_execution(uuid(2), "worker-1@host", k_t + 2.05);
  const auto v = judge(input);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "lost 1 of 3 accepted tasks (expected at most 0): " + uuid(1) + "; all ids in delivery.json");
  EXPECT_NE(v.details.find("lost 1, duplicated 0, phantom 0, executed although the publish failed 0\n"),
            std::string::npos)
      << v.details;
}

TEST(DeliveryCheck, the_message_lists_the_first_ten_ids_in_publish_order) {
  DeliveryInput input;
  for (int i = 11; i >= 0; --i) input.add_publish(uuid(i), "load-1", PublishOutcome::k_sent, k_t + i);
  const auto v = judge(input);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  std::string ids;
  for (int i = 0; i < 10; ++i) ids += (i ? ", " : "") + uuid(i);
  EXPECT_EQ(v.message, "lost 12 of 12 accepted tasks (expected at most 0): " + ids + ", and 2 more; all ids in "
                       "delivery.json");
}

TEST(DeliveryCheck, a_duplicated_task_fails_with_its_workers_and_redelivered_flags) {
  auto input = steady(3);
  input.add_execution(uuid(1), "worker-2@host", k_t + 5, /*redelivered=*/true, /*attempt=*/0);
  const auto v = judge(input);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "duplicated 1 of 3 executed tasks (expected at most 0): " + uuid(1) +
                           " (worker-1@host + worker-2@host redelivered); all ids in delivery.json");
}

TEST(DeliveryCheck, a_phantom_task_fails) {
  auto input = steady(2);
  input.add_execution("job-7", "worker-2@host", k_t + 1);
  const auto v = judge(input);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message,
            "phantom 1 executed task never published (expected at most 0): job-7 (worker-2@host); all ids in "
            "delivery.json");
}

TEST(DeliveryCheck, an_execution_of_a_task_no_load_publishes_is_not_a_phantom) {
  auto input = steady(2);
  input.load_tasks = {"probe.record"};
  input.add_execution("job-7", "worker-2@host", k_t + 1, false, 0, "probe.add");
  EXPECT_EQ(judge(input).outcome, Outcome::k_passed);
  input.add_execution("job-8", "worker-2@host", k_t + 1, false, 0, "probe.record");
  input.add_execution("job-9", "worker-2@host", k_t + 1, false, 0, "");  // a ledger line without "task"
  const auto v = judge(input);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message,
            "phantom 2 executed tasks never published (expected at most 0): job-8 (worker-2@host), job-9 "
            "(worker-2@host); all ids in delivery.json");
}

TEST(DeliveryCheck, every_broken_property_is_in_the_message) {
  auto input = steady(3);
  input.add_publish(uuid(3), "load-1", PublishOutcome::k_confirmed, k_t + 1);
  input.add_execution(uuid(0), "worker-1@host", k_t + 2);
  input.add_execution("job-7", "worker-1@host", k_t + 3);
  input.add_execution("job-7", "worker-1@host", k_t + 4);
  const auto v = judge(input);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "lost 1 of 4 accepted tasks (expected at most 0): " + uuid(3) +
                           "; duplicated 1 of 3 executed tasks (expected at most 0): " + uuid(0) +
                           " (worker-1@host + worker-1@host); phantom 1 executed task never published (expected at "
                           "most 0): job-7 (worker-1@host + worker-1@host); all ids in delivery.json");
}

TEST(DeliveryCheck, a_failed_publish_that_executed_is_reported_but_passes) {
  auto input = steady(2);
  input.add_publish(uuid(9), "load-1", PublishOutcome::k_failed, k_t + 0.5, "ConnectionResetError");
  input.add_execution(uuid(9), "worker-1@host", k_t + 0.9);
  const DeliveryAnalysis analysis = analyse_delivery(input, "");
  ASSERT_EQ(analysis.executed_although_failed.size(), 1u);
  EXPECT_EQ(input.ids.text(analysis.executed_although_failed[0].publish.id), uuid(9));
  EXPECT_EQ(input.errors.name(analysis.executed_although_failed[0].publish.error), "ConnectionResetError");
  const auto v = delivery_verdict({}, "d", "s.delivery", analysis, input);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "accepted 2, executed 3, lost 0, duplicated 0, phantom 0, latency p99 50.0 ms, 1 executed "
                       "although the publish failed");
}

TEST(DeliveryCheck, failed_or_timed_out_publishes_that_never_ran_are_not_lost) {
  auto input = steady(1);
  input.add_publish(uuid(5), "load-1", PublishOutcome::k_failed, k_t + 1, "boom");
  input.add_publish(uuid(6), "load-1", PublishOutcome::k_timeout, k_t + 2, "no confirm within 1s");
  const auto v = judge(input);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "accepted 1, executed 1, lost 0, duplicated 0, phantom 0, latency p99 50.0 ms");
}

TEST(DeliveryCheck, an_id_published_twice_counts_once_from_its_first_accepted_publish) {
  DeliveryInput input;
  input.add_publish(uuid(1), "load-1", PublishOutcome::k_timeout, k_t);
  input.add_publish(uuid(1), "load-1", PublishOutcome::k_confirmed, k_t + 1);
  input.add_publish(uuid(1), "load-1", PublishOutcome::k_confirmed, k_t + 2);
  input.add_execution(uuid(1), "worker-1@host", k_t + 1.25);
  const DeliveryAnalysis analysis = analyse_delivery(input, "");
  EXPECT_EQ(analysis.published, 1u);
  EXPECT_EQ(analysis.accepted, 1u);
  EXPECT_TRUE(analysis.executed_although_failed.empty());
  EXPECT_NEAR(analysis.latency.max_ms, 250.0, 1e-3);
}

TEST(DeliveryCheck, a_load_narrows_lost_and_duplicated_but_phantoms_are_relative_to_every_load) {
  const auto make = [] {
    DeliveryInput input;
    input.add_publish(uuid(1), "load-1", PublishOutcome::k_confirmed, k_t);
    input.add_execution(uuid(1), "worker-1@host", k_t + 0.05);
    input.add_publish(uuid(2), "load-2", PublishOutcome::k_confirmed, k_t);  // lost
    input.add_publish(uuid(3), "load-2", PublishOutcome::k_confirmed, k_t);  // duplicated
    input.add_execution(uuid(3), "worker-1@host", k_t + 0.05);
    input.add_execution(uuid(3), "worker-2@host", k_t + 0.06);
    return input;
  };
  DeliveryParams first;
  first.load = "load-1";
  auto input = make();
  auto v = judge(input, first);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "accepted 1, executed 1, lost 0, duplicated 0, phantom 0, latency p99 50.0 ms");

  DeliveryParams second;
  second.load = "load-2";
  input = make();
  v = judge(input, second);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "lost 1 of 2 accepted tasks (expected at most 0): " + uuid(2) +
                           "; duplicated 1 of 1 executed task (expected at most 0): " + uuid(3) +
                           " (worker-1@host + worker-2@host); all ids in delivery.json");
}

// --- bounds ---------------------------------------------------------------------------------------------------

TEST(DeliveryCheck, count_bounds_of_every_operator) {
  struct Case {
    CountBound bound;
    std::int64_t count;
    bool holds;
    const char* expectation;
  };
  const Case cases[] = {
      {{Op::k_le, 0}, 0, true, "at most 0"},   {{Op::k_le, 0}, 1, false, "at most 0"},
      {{Op::k_lt, 10}, 9, true, "fewer than 10"}, {{Op::k_lt, 10}, 10, false, "fewer than 10"},
      {{Op::k_eq, 3}, 3, true, "exactly 3"},   {{Op::k_eq, 3}, 2, false, "exactly 3"},
      {{Op::k_eq, 3}, 4, false, "exactly 3"},  {{Op::k_ge, 1}, 1, true, "at least 1"},
      {{Op::k_ge, 1}, 0, false, "at least 1"}, {{Op::k_gt, 0}, 1, true, "more than 0"},
      {{Op::k_gt, 0}, 0, false, "more than 0"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(holds(c.bound, c.count), c.holds) << c.expectation << " with " << c.count;
    EXPECT_EQ(expectation(c.bound), c.expectation);
  }
}

TEST(DeliveryCheck, expecting_losses_fails_when_nothing_was_lost) {
  auto input = steady(3);
  DeliveryParams check;
  check.lost = CountBound{Op::k_gt, 0};
  const auto v = judge(input, check);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "lost 0 of 3 accepted tasks (expected more than 0)");
}

TEST(DeliveryCheck, bounds_on_each_count_pass_and_fail) {
  // One lost, one duplicated (twice over), one phantom.
  const auto make = [] {
    auto input = steady(3);
    input.add_publish(uuid(7), "load-1", PublishOutcome::k_confirmed, k_t);
    input.add_execution(uuid(0), "worker-1@host", k_t + 1);
    input.add_execution(uuid(0), "worker-1@host", k_t + 2);
    input.add_execution(uuid(8), "worker-1@host", k_t + 1);
    return input;
  };
  DeliveryParams exact;
  exact.lost = CountBound{Op::k_eq, 1};
  exact.duplicated = CountBound{Op::k_le, 1};
  exact.phantom = CountBound{Op::k_lt, 2};
  auto input = make();
  EXPECT_EQ(judge(input, exact).outcome, Outcome::k_passed);

  DeliveryParams wrong;
  wrong.lost = CountBound{Op::k_eq, 2};
  wrong.duplicated = CountBound{Op::k_ge, 2};
  wrong.phantom = CountBound{Op::k_lt, 1};
  input = make();
  const auto v = judge(input, wrong);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "lost 1 of 4 accepted tasks (expected exactly 2): " + uuid(7) +
                           "; duplicated 1 of 3 executed tasks (expected at least 2): " + uuid(0) +
                           " (worker-1@host + worker-1@host + worker-1@host); phantom 1 executed task never "
                           "published (expected fewer than 1): " + uuid(8) + " (worker-1@host); all ids in "
                           "delivery.json");
}

// --- latency --------------------------------------------------------------------------------------------------

TEST(DeliveryCheck, percentiles_are_nearest_rank) {
  EXPECT_EQ(percentile({7}, 50), 7);
  EXPECT_EQ(percentile({1, 2, 3, 4}, 50), 2);
  EXPECT_EQ(percentile({1, 2, 3, 4}, 51), 3);
  EXPECT_EQ(percentile({1, 2, 3, 4}, 100), 4);
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_EQ(percentile(hundred, 95), 95);
  EXPECT_EQ(percentile(hundred, 99), 99);
}

DeliveryInput latencies_1_to_100_ms() {
  DeliveryInput input;
  std::vector<int> order(100);
  for (int i = 0; i < 100; ++i) order[i] = i + 1;
  std::mt19937 rng(7);
  std::shuffle(order.begin(), order.end(), rng);
  for (int ms : order) {
    input.add_publish(uuid(ms), "load-1", PublishOutcome::k_confirmed, k_t + ms);
    input.add_execution(uuid(ms), "worker-1@host", k_t + ms + ms / 1000.0);
  }
  return input;
}

TEST(DeliveryCheck, latency_percentiles_from_publish_to_first_start) {
  auto input = latencies_1_to_100_ms();
  const auto a = analyse_delivery(input, "");
  EXPECT_EQ(a.latency.count, 100u);
  EXPECT_NEAR(a.latency.p50_ms, 50, 1e-3);
  EXPECT_NEAR(a.latency.p95_ms, 95, 1e-3);
  EXPECT_NEAR(a.latency.p99_ms, 99, 1e-3);
  EXPECT_NEAR(a.latency.max_ms, 100, 1e-3);
}

TEST(DeliveryCheck, latency_bounds_fail_above_and_pass_below) {
  DeliveryParams tight;
  tight.latency_p50 = 49ms;
  tight.latency_p95 = 94ms;
  tight.latency_p99 = 98ms;
  tight.latency_max = 99ms;
  auto input = latencies_1_to_100_ms();
  auto v = judge(input, tight);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "latency p50 50.0 ms (expected at most 49ms); latency p95 95.0 ms (expected at most 94ms); "
                       "latency p99 99.0 ms (expected at most 98ms); latency max 100.0 ms (expected at most 99ms)");

  DeliveryParams loose;
  loose.latency_p50 = 51ms;
  loose.latency_p95 = 96ms;
  loose.latency_p99 = 100ms;
  loose.latency_max = 101ms;
  input = latencies_1_to_100_ms();
  v = judge(input, loose);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "accepted 100, executed 100, lost 0, duplicated 0, phantom 0, latency p99 99.0 ms");
}

TEST(DeliveryCheck, a_latency_bound_fails_when_no_accepted_task_ran) {
  DeliveryInput input;
  input.add_publish(uuid(1), "load-1", PublishOutcome::k_confirmed, k_t);
  DeliveryParams check = allowing_loss();
  check.latency_p99 = 2s;
  const auto v = judge(input, check);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "latency p99 not measured: no accepted task was executed (expected at most 2s)");
}

// --- nothing accepted ------------------------------------------------------------------------------------------

// Every publish failed: "lost 0" of nothing proves nothing, so it is not a pass.
TEST(DeliveryCheck, nothing_accepted_is_an_error_not_a_pass) {
  DeliveryInput input;
  input.add_publish(uuid(1), "load-1", PublishOutcome::k_failed, k_t, "ConnectionRefusedError");
  input.add_publish(uuid(2), "load-1", PublishOutcome::k_timeout, k_t + 1, "no confirm within 1s");
  DeliveryParams check;
  check.lost = CountBound{Op::k_le, 0};
  const auto v = judge(input, check);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no accepted task to judge: 2 published, none confirmed or sent (say accepted: 0 if that is "
                       "expected)");
}

// `accepted:` states what the scenario expects, and is judged like the other counts.
TEST(DeliveryCheck, an_accepted_bound_is_judged_instead) {
  DeliveryInput input;
  input.add_publish(uuid(1), "load-1", PublishOutcome::k_failed, k_t, "ConnectionRefusedError");
  DeliveryParams none_expected;
  none_expected.accepted = CountBound{Op::k_le, 0};
  auto v = judge(input, none_expected);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "accepted 0, executed 0, lost 0, duplicated 0, phantom 0");
  auto some = steady(3);
  v = judge(some, none_expected);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "accepted 3 of 3 published tasks (expected at most 0)");
  DeliveryParams at_least_5;
  at_least_5.accepted = CountBound{Op::k_ge, 5};
  EXPECT_EQ(judge(some, at_least_5).message, "accepted 3 of 3 published tasks (expected at least 5)");
}

// --- throughput and recovery ----------------------------------------------------------------------------------

TEST(DeliveryCheck, throughput_is_executions_per_second_from_the_first_publish) {
  auto input = steady(25);  // executed at 0.05 .. 2.45 s
  input.add_execution(uuid(3), "worker-2@host", k_t + 2.5, true);
  const auto a = analyse_delivery(input, "");
  EXPECT_EQ(a.throughput, (std::vector<std::uint32_t>{10, 10, 6}));
}

// 200 tasks published every 0.1 s over 20 s, executed 50 ms later, except those published during the pause
// [10 s, 12 s) and after it until 14 s: held back, they all run at 14.53 s.
DeliveryInput paused_load(double resume_at = 14.53) {
  DeliveryInput input;
  for (int i = 0; i < 200; ++i) {
    const double p = 0.1 * i;
    input.add_publish(uuid(i), "load-1", PublishOutcome::k_confirmed, k_t + p);
    const bool held = p >= 9.999 && p < 13.999;
    input.add_execution(uuid(i), "worker-1@host", k_t + (held ? resume_at + 0.0001 * i : p + 0.05));
  }
  input.add_fault("pause", "worker", k_t + 10, k_t + 12);
  return input;
}

TEST(DeliveryCheck, recovery_is_when_throughput_is_back_after_the_fault_end) {
  // Baseline 10/s; the first 100 ms step t >= 12 s with >= 9 executions in [t, t + 1 s) is 13.6 s.
  auto input = paused_load();
  const auto a = analyse_delivery(input, "");
  ASSERT_EQ(a.recoveries.size(), 1u);
  const auto& r = a.recoveries[0];
  EXPECT_EQ(r.state, Recovery::State::k_recovered);
  EXPECT_NEAR(r.baseline_per_s, 10.0, 1e-9);
  EXPECT_NEAR(r.recovery_ms, 1600.0, 1e-3);
  EXPECT_FALSE(r.by_backlog);

  DeliveryParams tight;
  tight.recovery = 1s;
  auto v = delivery_verdict(tight, "d", "s.delivery", a, input);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "recovery after pause worker (10.0s into the load): 1600.0 ms (expected at most 1s)");
  EXPECT_NE(v.details.find("fault pause worker (10.0s into the load), ended 2.0s later: baseline 10.0/s, recovery "
                           "1600.0 ms (throughput back)\n"),
            std::string::npos)
      << v.details;

  DeliveryParams loose;
  loose.recovery = 2s;
  v = delivery_verdict(loose, "d", "s.delivery", a, input);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "accepted 200, executed 200, lost 0, duplicated 0, phantom 0, latency p99 4340.2 ms; "
                       "recovery after pause worker (10.0s into the load): 1600.0 ms (throughput back)");
}

TEST(DeliveryCheck, a_fault_never_recovered_from_fails_the_recovery_bound) {
  DeliveryInput input;
  for (int i = 0; i < 200; ++i) {
    input.add_publish(uuid(i), "load-1", PublishOutcome::k_confirmed, k_t + 0.1 * i);
    if (i < 100) input.add_execution(uuid(i), "worker-1@host", k_t + 0.1 * i + 0.05);
  }
  input.add_fault("kill", "worker.1", k_t + 10, std::nullopt);
  DeliveryParams check = allowing_loss();
  check.recovery = 10s;
  const auto v = judge(input, check);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "recovery after kill worker.1 (10.0s into the load): not recovered (expected at most 10s)");
}

TEST(DeliveryCheck, a_load_that_ended_during_the_fault_recovers_when_its_backlog_is_done) {
  // Published until 10.5 s; the five held tasks run at 12.21..12.25 s: never 9 in a second, but all done.
  DeliveryInput input;
  for (int i = 0; i < 105; ++i) {
    const double p = 0.1 * i;
    input.add_publish(uuid(i), "load-1", PublishOutcome::k_confirmed, k_t + p);
    input.add_execution(uuid(i), "worker-1@host", k_t + (i < 100 ? p + 0.05 : 12.21 + 0.01 * (i - 100)));
  }
  input.add_fault("pause", "worker", k_t + 10, k_t + 12);
  const auto a = analyse_delivery(input, "");
  ASSERT_EQ(a.recoveries.size(), 1u);
  EXPECT_EQ(a.recoveries[0].state, Recovery::State::k_recovered);
  EXPECT_TRUE(a.recoveries[0].by_backlog);
  EXPECT_NEAR(a.recoveries[0].recovery_ms, 250.0, 1e-3);
  DeliveryParams check;
  check.recovery = 200ms;
  EXPECT_EQ(delivery_verdict(check, "d", "s", a, input).message,
            "recovery after pause worker (10.0s into the load): 250.0 ms (expected at most 200ms)");
}

TEST(DeliveryCheck, a_fault_with_no_throughput_before_it_has_no_recovery) {
  auto input = steady(20, 100);  // publishes from 10 s
  input.add_fault("pause", "broker", k_t + 5, k_t + 6);    // before the first publish
  input.add_fault("pause", "broker", k_t + 10, k_t + 11);  // at the first publish: an empty window
  DeliveryParams check;
  check.recovery = 1ms;
  const auto v = judge(input, check);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "accepted 20, executed 20, lost 0, duplicated 0, phantom 0, latency p99 50.0 ms; recovery "
                       "after pause broker (5.0s before the load): n/a (no throughput before the fault); recovery "
                       "after pause broker (0.0s into the load): n/a (no throughput before the fault)");
}

}  // namespace
}  // namespace harness::check
