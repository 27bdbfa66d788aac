// Bounded polling (scripted with a ManualClock) and the "port refuses" observation.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness/fault/observe.h"

namespace harness::fault {
namespace {

using namespace std::chrono_literals;

// A sleep that advances a ManualClock, so polling runs in no real time.
struct ScriptedTime {
  util::ManualClock clock;
  std::vector<std::chrono::milliseconds> sleeps;
  std::function<void(std::chrono::milliseconds)> sleeper() {
    return [this](std::chrono::milliseconds d) {
      sleeps.push_back(d);
      clock.advance(d);
    };
  }
};

TEST(FaultObserveTest, poll_until_returns_as_soon_as_it_holds) {
  ScriptedTime time;
  int calls = 0;
  const auto outcome = poll_until([&] { return ++calls == 3; }, 1s, 50ms, time.clock, time.sleeper());
  EXPECT_TRUE(outcome.met);
  EXPECT_EQ(outcome.polls, 3);
  EXPECT_EQ(outcome.after, 100ms);
  EXPECT_EQ(time.sleeps, (std::vector<std::chrono::milliseconds>{50ms, 50ms}));
}

TEST(FaultObserveTest, poll_until_does_not_sleep_when_it_holds_at_once) {
  ScriptedTime time;
  const auto outcome = poll_until([] { return true; }, 1s, 50ms, time.clock, time.sleeper());
  EXPECT_TRUE(outcome.met);
  EXPECT_EQ(outcome.polls, 1);
  EXPECT_EQ(outcome.after, 0ms);
  EXPECT_TRUE(time.sleeps.empty());
}

TEST(FaultObserveTest, poll_until_gives_up_at_the_deadline_after_a_last_look) {
  ScriptedTime time;
  int calls = 0;
  const auto outcome = poll_until([&] { return ++calls > 100; }, 120ms, 50ms, time.clock, time.sleeper());
  EXPECT_FALSE(outcome.met);
  EXPECT_EQ(outcome.after, 120ms);
  EXPECT_EQ(outcome.polls, 4);  // at 0, 50, 100 and the deadline, 120 ms
  EXPECT_EQ(time.sleeps, (std::vector<std::chrono::milliseconds>{50ms, 50ms, 20ms}));
}

TEST(FaultObserveTest, port_refuses_only_when_nothing_listens) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const auto port = ntohs(addr.sin_port);
  EXPECT_TRUE(port_refuses(port));  // bound, not listening: the kernel refuses
  ASSERT_EQ(::listen(fd, 1), 0);
  EXPECT_FALSE(port_refuses(port));
  ::close(fd);
  EXPECT_TRUE(port_refuses(port));
}

}  // namespace
}  // namespace harness::fault
