// ActiveFaults: faults with a `for:` are cleared by their timer, the rest at teardown, each once; an inverse that
// takes long (postgres-down waits for PostgreSQL to be ready again) does not hold up the next fault step.
#include "harness/run/active_faults.h"

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>

#include <gtest/gtest.h>

#include "harness/util/clock.h"
#include "tests/process/process_test_util.h"

namespace harness::run {
namespace {

using namespace std::chrono_literals;

// An inverse a test holds half-way: it says it has begun, then waits until released.
class HeldInverse {
public:
  std::shared_ptr<fault::Clearer> clearer() {
    return std::make_shared<fault::Clearer>([this] {
      std::unique_lock lock(m_mutex);
      m_begun = true;
      m_changed.notify_all();
      m_changed.wait(lock, [this] { return m_released; });
      ++m_finished;
    });
  }
  bool wait_begun() {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, 10s, [this] { return m_begun; });
  }
  void release() {
    {
      std::lock_guard lock(m_mutex);
      m_released = true;
    }
    m_changed.notify_all();
  }
  int finished() {
    std::lock_guard lock(m_mutex);
    return m_finished;
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  bool m_begun = false;
  bool m_released = false;
  int m_finished = 0;
};

struct ActiveFaultsFixture {
  util::RealClock clock;
  stack::RunControl control{clock, 600s};
};

std::shared_ptr<fault::Clearer> counting(std::atomic<int>& calls) {
  return std::make_shared<fault::Clearer>([&calls] { ++calls; });
}

TEST(ActiveFaultsTest, a_timed_fault_is_cleared_by_its_timer_and_the_others_at_teardown_each_once) {
  ActiveFaultsFixture f;
  std::atomic<int> timed{0};
  std::atomic<int> untimed{0};
  std::atomic<int> long_timed{0};
  ActiveFaults faults;
  faults.add(counting(timed), 10ms, f.control);
  faults.add(counting(untimed), std::nullopt, f.control);
  faults.add(counting(long_timed), 1h, f.control);
  EXPECT_TRUE(process_test::eventually([&] { return timed == 1; }));
  EXPECT_EQ(untimed, 0);
  EXPECT_EQ(long_timed, 0);
  faults.clear_all();  // the hour-long timer ends at once
  EXPECT_EQ(timed, 1);
  EXPECT_EQ(untimed, 1);
  EXPECT_EQ(long_timed, 1);
  faults.clear_all();
  EXPECT_EQ(untimed, 1);
}

// Before, a timer ran the inverse while holding the lock add() takes: the next fault step waited for it.
TEST(ActiveFaultsTest, adding_a_fault_does_not_wait_for_an_inverse_under_way) {
  ActiveFaultsFixture f;
  HeldInverse first;
  std::atomic<int> second{0};
  ActiveFaults faults;
  faults.add(first.clearer(), 0ms, f.control);
  ASSERT_TRUE(first.wait_begun());
  auto add = std::async(std::launch::async, [&] { faults.add(counting(second), 1h, f.control); });
  // Not a timing of add() (it takes microseconds): a bound so that a blocked add() fails the test, not hangs it.
  const bool added_while_the_inverse_ran = add.wait_for(30s) == std::future_status::ready;
  first.release();
  add.get();
  EXPECT_TRUE(added_while_the_inverse_ran) << "add() waited for the first fault's inverse";
  faults.clear_all();
  EXPECT_EQ(first.finished(), 1);
  EXPECT_EQ(second, 1);
}

TEST(ActiveFaultsTest, clear_all_waits_for_an_inverse_under_way_and_does_not_run_it_again) {
  ActiveFaultsFixture f;
  HeldInverse held;
  ActiveFaults faults;
  faults.add(held.clearer(), 0ms, f.control);
  ASSERT_TRUE(held.wait_begun());
  auto clear = std::async(std::launch::async, [&] { faults.clear_all(); });
  // A clear_all() that does not wait would be done long before this; one that waits is still waiting.
  EXPECT_EQ(clear.wait_for(200ms), std::future_status::timeout);
  held.release();
  clear.get();
  EXPECT_EQ(held.finished(), 1);
}

TEST(ActiveFaultsTest, a_timer_cut_short_by_the_run_stopping_leaves_the_fault_to_teardown) {
  util::RealClock clock;
  stack::RunControl control{clock, 1ms};  // the scenario timeout has passed: sleeps end at once
  std::atomic<int> calls{0};
  ActiveFaults faults;
  faults.add(counting(calls), 1h, control);
  EXPECT_FALSE(process_test::eventually([&] { return calls > 0; }, 100ms));
  faults.clear_all();
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace harness::run
