#include "harness/process/cancellation.h"

#include <signal.h>

#include <atomic>
#include <thread>

#include "tests/process/process_test_util.h"

namespace {
using namespace process_test;
namespace process = harness::process;
using Clock = std::chrono::steady_clock;

class CancellationTest : public ProcessTest {
protected:
  void SetUp() override {
    process::install_signal_handlers();
    process::reset_for_tests();
  }
  void TearDown() override {
    process::reset_for_tests();
    ProcessTest::TearDown();
  }
};

TEST_F(CancellationTest, sleep_wakes_promptly_on_sigint) {
  std::atomic<Clock::rep> raised_at{0};
  std::thread raiser([&] {
    std::this_thread::sleep_for(30ms);  // the cause, not a wait: SIGINT arrives while the main thread sleeps
    raised_at = Clock::now().time_since_epoch().count();
    ::kill(::getpid(), SIGINT);
  });
  EXPECT_FALSE(process::sleep_for(10s));
  const auto woke_at = Clock::now();
  raiser.join();
  EXPECT_LT(woke_at - Clock::time_point(Clock::duration(raised_at.load())), 20ms);
  EXPECT_TRUE(process::cancelled());
  EXPECT_EQ(process::cancel_reason(), "interrupted by SIGINT");
  EXPECT_FALSE(process::sleep_for(10s)) << "stays cancelled";

  process::reset_for_tests();
  EXPECT_FALSE(process::cancelled());
  EXPECT_EQ(process::cancel_reason(), "");
  EXPECT_TRUE(process::sleep_for(1ms));
}

TEST_F(CancellationTest, request_cancel_wakes_every_sleeping_thread) {
  std::atomic<int> woken{0};
  std::vector<std::thread> sleepers;
  for (int i = 0; i < 3; ++i) {
    sleepers.emplace_back([&] {
      if (!process::sleep_for(10s)) ++woken;
    });
  }
  const auto started = Clock::now();
  process::request_cancel("scenario timeout of 3m exceeded");
  for (auto& sleeper : sleepers) sleeper.join();
  EXPECT_EQ(woken, 3);
  EXPECT_LT(Clock::now() - started, 1s);
  EXPECT_EQ(process::cancel_reason(), "scenario timeout of 3m exceeded");
}

TEST_F(CancellationTest, the_first_cause_is_the_reason) {
  process::request_cancel("scenario timeout of 3m exceeded");
  ::raise(SIGTERM);
  EXPECT_EQ(process::cancel_reason(), "scenario timeout of 3m exceeded");
  process::reset_for_tests();
  ::raise(SIGTERM);
  ::raise(SIGINT);
  process::request_cancel("too late");
  EXPECT_EQ(process::cancel_reason(), "interrupted by SIGTERM");
}

TEST_F(CancellationTest, deadline_sleeps_no_longer_than_what_is_left) {
  const process::Deadline deadline(30ms);
  EXPECT_FALSE(deadline.expired());
  EXPECT_LE(deadline.remaining(), 30ms);
  const auto started = Clock::now();
  EXPECT_TRUE(deadline.sleep_for(10s));
  EXPECT_LT(Clock::now() - started, 1s);
  EXPECT_TRUE(deadline.expired());
  EXPECT_EQ(deadline.remaining(), 0ms);
  EXPECT_FALSE(process::Deadline::never().expired());
}

TEST_F(CancellationTest, deadline_sleep_stops_when_cancelled) {
  process::request_cancel("stop");
  EXPECT_FALSE(process::Deadline(10s).sleep_for(10s));
}

}  // namespace
