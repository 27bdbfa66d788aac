// The queue check's verdict on hand-made queue.sample readings, with the exact message (poll_queue_depth, which
// reads a real broker, is covered by the integration tests of the broker checks).
#include "harness/check/queue_check.h"

#include <gtest/gtest.h>

namespace harness::check {
namespace {

history::Event depth(double t, long d) {
  history::Event e;
  e.t = t;
  e.type = "queue.sample";
  e.service = "broker";
  e.data = {{"queue", "celery"}, {"depth", d}};
  return e;
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

TEST(QueueCheck, judged_by_the_last_reading) {
  const auto drained = queue("broker", "celery", {scenario::CountBound::Op::k_le, 0}, std::chrono::seconds{5});
  const Verdict pass = judge_queue(drained, "q", "s.queue", {depth(1, 40), depth(1.5, 12), depth(2, 0)});
  EXPECT_EQ(pass.outcome, Outcome::k_passed);
  EXPECT_EQ(pass.message, "queue 'celery' depth 0 (expected at most 0) after 3 reading(s)");
  const Verdict fail = judge_queue(drained, "q", "s.queue", {depth(1, 40), depth(6, 12)});
  EXPECT_EQ(fail.outcome, Outcome::k_failed);
  EXPECT_EQ(fail.message, "queue 'celery' depth 12 (expected at most 0) still after 5 s; depths read: 40, 12");
}

TEST(QueueCheck, a_queue_that_could_not_be_read_is_an_error) {
  const auto check = queue("broker", "celery", {scenario::CountBound::Op::k_ge, 100}, std::nullopt);
  history::Event unread = depth(1, 0);
  unread.data = {{"queue", "celery"}, {"error", "connection refused"}};
  const Verdict v = judge_queue(check, "q", "s", {unread});
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "queue 'celery' of broker 'broker' could not be read: connection refused");
}

// The management API answers 404 for a queue nobody declared; the reading records depth 0 and exists: false.
TEST(QueueCheck, a_queue_that_does_not_exist_is_an_error_not_depth_0) {
  const auto check = queue("broker", "celery", {scenario::CountBound::Op::k_le, 0}, std::nullopt);
  history::Event missing = depth(1, 0);
  missing.data["exists"] = false;
  const Verdict v = judge_queue(check, "q", "s", {missing});
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "queue 'celery' does not exist on broker 'broker' (HTTP 404 after 1 reading(s)): a missing "
                       "queue has no depth to judge");
}

}  // namespace
}  // namespace harness::check
