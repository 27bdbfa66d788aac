// The rollout check on hand-made histories: each bound holding and failing, a failed rollout, none at all.
#include "harness/check/rollout_check.h"

#include <gtest/gtest.h>

#include "tests/check/instance_history_test_util.h"

namespace harness::check {
namespace {

using namespace std::chrono_literals;
using testing::ev;

history::Event rolled(const std::string& instance, const std::string& order, double overlap_s) {
  return ev(20.0, "rollout.end", instance,
            {{"order", order}, {"old_task", "t-old"}, {"new_task", "t-new"}, {"overlap_s", overlap_s}});
}

RolloutParams spec(std::optional<std::string> overlap, std::optional<std::string> gap) {
  RolloutParams params;
  params.service = "beat";
  if (overlap) params.overlap = parse_duration_bound(*overlap);
  if (gap) params.gap = parse_duration_bound(*gap);
  return params;
}

TEST(RolloutCheck, a_start_first_overlap_passes_the_overlap_bound_and_fails_the_gap_bound) {
  const std::vector<history::Event> history = {rolled("beat", "start-first", 2.31)};
  const auto overlap = judge_rollout(spec(">=1s", std::nullopt), "r", "s.rollout", history);
  EXPECT_EQ(overlap.outcome, Outcome::k_passed) << overlap.message;
  EXPECT_EQ(overlap.message, "1 rollout(s) of 'beat' as expected");
  EXPECT_NE(overlap.details.find("beat (start-first): old and new task ran side by side 2.31 s"), std::string::npos);
  const auto gap = judge_rollout(spec(std::nullopt, ">=1s"), "r", "s.rollout", history);
  EXPECT_EQ(gap.outcome, Outcome::k_failed);
  EXPECT_EQ(gap.message,
            "beat (start-first): old and new task ran side by side 2.31 s, expected a gap >= 1s");
}

TEST(RolloutCheck, a_stop_first_gap_passes_the_gap_bound_and_fails_the_overlap_bound) {
  const std::vector<history::Event> history = {rolled("beat", "stop-first", -1.2)};
  EXPECT_EQ(judge_rollout(spec(std::nullopt, ">=1s"), "r", "s", history).outcome, Outcome::k_passed);
  const auto overlap = judge_rollout(spec(">0s", std::nullopt), "r", "s", history);
  EXPECT_EQ(overlap.outcome, Outcome::k_failed);
  EXPECT_EQ(overlap.message, "beat (stop-first): 1.20 s with neither task running, expected an overlap > 0s");
}

TEST(RolloutCheck, every_instance_is_judged_and_a_failed_rollout_fails) {
  const std::vector<history::Event> history = {
      rolled("worker.1", "start-first", 1.5),
      ev(30.0, "rollout.end", "worker.2", {{"error", "rollout of 'worker.2' did not complete within 120 s"}}),
      rolled("beat", "stop-first", -3.0)};  // another service: not judged
  RolloutParams params = spec(">=1s", std::nullopt);
  params.service = "worker";
  const auto v = judge_rollout(params, "r", "s", history);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "worker.2: the rollout failed: rollout of 'worker.2' did not complete within 120 s");
  params.overlap.reset();
  EXPECT_EQ(judge_rollout(params, "r", "s", {history[0]}).outcome, Outcome::k_passed);
}

TEST(RolloutCheck, without_a_rollout_there_is_nothing_to_judge) {
  const auto v = judge_rollout(spec(">=1s", std::nullopt), "r", "s", {rolled("worker.1", "start-first", 1)});
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no rollout of 'beat' in this run (a rollout step records one)");
}

}  // namespace
}  // namespace harness::check
