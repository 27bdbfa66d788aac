// The Stack reads time only through util::Clock: a restart policy's backoff delay passes on a ManualClock, with
// no real waiting. The instance is an in-memory fake (ready at once, exits when told), not a process.
#include <gtest/gtest.h>

#include "harness/stack/stack.h"
#include "tests/driver/fake_service.h"
#include "tests/process/process_test_util.h"

namespace harness::stack {
namespace {

using namespace std::chrono_literals;

using driver::testing::FakeService;

TEST(StackClockTest, an_on_failure_restart_waits_its_backoff_delay_on_the_stacks_clock) {
  util::ManualClock clock;
  history::History history(clock, "/dev/null");
  stack::RunControl control(clock, 1h);
  std::vector<std::unique_ptr<driver::Service>> services;
  services.push_back(std::make_unique<FakeService>("db"));
  auto* service = static_cast<FakeService*>(services.back().get());
  Stack stack(std::move(services), history, control, clock);
  InstancePolicy policy;
  policy.restart = "on-failure";
  policy.backoff = health::Backoff::Policy{.initial = 10s, .max = 1min, .reset_after = 10s};
  stack.set_policies({{"db", policy}});
  ASSERT_TRUE(stack.start_all(10s));

  service->exit_with(1);
  ASSERT_TRUE(process_test::eventually([&] { return history.events_of_type("service.exited").size() == 1; }));
  EXPECT_EQ(history.events_of_type("service.exited")[0].data["restart_in_s"], 10.0);
  // The delay is 10 s of the Stack's clock, which has not moved: no restart, however long the test waits.
  clock.advance(9'999ms);
  EXPECT_FALSE(process_test::eventually([&] { return *service->starts > 1; }, 200ms));
  clock.advance(1ms);
  ASSERT_TRUE(process_test::eventually([&] { return *service->starts > 1; }));
  ASSERT_TRUE(process_test::eventually([&] { return history.events_of_type("service.restarted").size() == 1; }));
  EXPECT_EQ(history.events_of_type("service.restarted")[0].data["delay_s"], 10.0);
  EXPECT_EQ(history.events_of_type("service.restarted")[0].data["reason"], "exited with exit code 1");
}

}  // namespace
}  // namespace harness::stack
