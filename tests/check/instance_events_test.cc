// Which History events are of a scenario service, and whether it ever ran.
#include "harness/check/instance_events.h"

#include <gtest/gtest.h>

#include "tests/check/instance_history_test_util.h"

namespace {
using harness::check::testing::ev;

TEST(InstanceOf, matches_replicas_but_not_prefixed_services) {
  EXPECT_TRUE(harness::check::instance_of("worker.2", "worker"));
  EXPECT_TRUE(harness::check::instance_of("worker", "worker"));
  EXPECT_FALSE(harness::check::instance_of("worker-pg.1", "worker"));
  EXPECT_FALSE(harness::check::instance_of("worker.x", "worker"));
}

TEST(NeverStarted, names_the_spawn_failure_of_a_service_that_never_started) {
  const std::vector<harness::history::Event> history = {
      ev(0.6, "service.failed", "worker.1", {{"detail", "cannot execute /nope/python3"}}),
      ev(0.7, "service.started", "worker-pg.1")};
  EXPECT_EQ(harness::check::never_started(history, "worker"),
            "'worker' never started (cannot execute /nope/python3): nothing to judge");
  EXPECT_EQ(harness::check::never_started({}, "worker"), "'worker' never started: nothing to judge");
}

TEST(NeverStarted, is_empty_once_an_instance_started) {
  EXPECT_EQ(harness::check::never_started({ev(0.1, "service.started", "worker.2")}, "worker"), "");
}

TEST(Tenths, shows_seconds_with_one_decimal) {
  EXPECT_EQ(harness::check::tenths(9), "9.0s");
  EXPECT_EQ(harness::check::tenths(-0.54), "-0.5s");
}

}  // namespace
