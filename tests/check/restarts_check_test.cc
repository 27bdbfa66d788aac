// The restarts check on hand-made histories, with the exact message.
#include "harness/check/restarts_check.h"

#include <gtest/gtest.h>

#include "tests/check/instance_history_test_util.h"

namespace {
using harness::check::Outcome;
using harness::check::testing::ev;
using harness::check::testing::flapping_worker;

struct RestartsSpec {
  std::string service;
  std::optional<int> min;
  std::optional<int> max;
};
harness::check::RestartsParams restarts(const RestartsSpec& spec) {
  harness::check::RestartsParams params;
  params.service = spec.service;
  params.min = spec.min;
  params.max = spec.max;
  return params;
}

TEST(RestartsCheck, of_a_service_that_never_started_is_an_error) {
  const std::vector<harness::history::Event> history = {
      ev(0.5, "service.starting", "worker.1", {{"kind", "celery-worker"}}),
      ev(0.6, "service.failed", "worker.1", {{"detail", "cannot execute /nope/python3"}})};
  const auto v = harness::check::judge_restarts(restarts({"worker", std::nullopt, 0}), "r", "s.restarts", history);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "'worker' never started (cannot execute /nope/python3): nothing to judge");
}

TEST(RestartsCheck, counts_restarts_of_the_service_only) {
  auto ok = harness::check::judge_restarts(restarts({"worker", 1, std::nullopt}), "r", "s.restarts", flapping_worker());
  EXPECT_EQ(ok.outcome, Outcome::k_passed);
  EXPECT_EQ(ok.message, "1 restart(s) (expected at least 1)");
  auto too_many = harness::check::judge_restarts(restarts({"worker", std::nullopt, 0}), "r", "s.restarts", flapping_worker());
  EXPECT_EQ(too_many.outcome, Outcome::k_failed);
  EXPECT_EQ(too_many.message, "expected at most 0 restart(s) of 'worker'; 1 restart(s)");
  EXPECT_NE(too_many.details.find("unhealthy after 2 failed probes"), std::string::npos);
  auto too_few = harness::check::judge_restarts(restarts({"worker", 2, 3}), "r", "s.restarts", flapping_worker());
  EXPECT_EQ(too_few.message, "expected between 2 and 3 restart(s) of 'worker'; 1 restart(s)");
}

}  // namespace
