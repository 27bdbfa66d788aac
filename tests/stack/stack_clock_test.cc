// The Stack reads time only through util::Clock: a restart policy's backoff delay passes on a ManualClock, with
// no real waiting. The instance is an in-memory fake (ready at once, exits when told), not a process.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "harness/stack/stack.h"
#include "tests/process/process_test_util.h"

namespace harness::stack {
namespace {

using namespace std::chrono_literals;

class ExitingService final : public driver::Service {
public:
  const std::string& name() const override { return m_name; }
  const std::string& scenario_service() const override { return m_name; }
  std::string kind() const override { return "fake"; }
  util::Status start() override {
    std::lock_guard lock(m_mutex);
    m_exit.reset();
    ++starts;
    return util::Status::ok();
  }
  driver::ReadyPoll poll_ready() override {
    if (exit_status()) return {driver::Readiness::k_failed, "exited"};
    return {driver::Readiness::k_ready, {}};
  }
  void stop(std::chrono::milliseconds) override { exit_with(-1, 9); }
  std::optional<process::ExitStatus> exit_status() const override {
    std::lock_guard lock(m_mutex);
    return m_exit;
  }
  bool running() const override { return !exit_status(); }
  nlohmann::json identity() const override { return {{"pid", 1}}; }
  driver::SignalResult signal(driver::SignalTarget, int) override { return {}; }
  std::map<std::string, std::string> placeholders() const override { return {}; }
  std::filesystem::path log_path() const override { return "/dev/null"; }
  std::string version() const override { return {}; }

  void exit_with(int code, int signal = 0) {
    std::lock_guard lock(m_mutex);
    if (!m_exit) m_exit = process::ExitStatus{code, signal};
  }
  std::atomic<int> starts{0};

private:
  std::string m_name = "db";
  mutable std::mutex m_mutex;
  std::optional<process::ExitStatus> m_exit;
};

TEST(StackClockTest, an_on_failure_restart_waits_its_backoff_delay_on_the_stacks_clock) {
  util::ManualClock clock;
  history::History history(clock, "/dev/null");
  stack::RunControl control(clock, 1h);
  std::vector<std::unique_ptr<driver::Service>> services;
  services.push_back(std::make_unique<ExitingService>());
  auto* service = static_cast<ExitingService*>(services.back().get());
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
  EXPECT_FALSE(process_test::eventually([&] { return service->starts > 1; }, 200ms));
  clock.advance(1ms);
  ASSERT_TRUE(process_test::eventually([&] { return service->starts > 1; }));
  ASSERT_TRUE(process_test::eventually([&] { return history.events_of_type("service.restarted").size() == 1; }));
  EXPECT_EQ(history.events_of_type("service.restarted")[0].data["delay_s"], 10.0);
  EXPECT_EQ(history.events_of_type("service.restarted")[0].data["reason"], "exited with exit code 1");
}

}  // namespace
}  // namespace harness::stack
