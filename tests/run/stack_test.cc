// Stack::stop_instance / start_instance: a stop the harness does on purpose (a fault) is not a crash to the
// orchestrator. A fake service runs a real `sleep` so exits and restarts go through the real Reaper.
#include "harness/run/stack.h"

#include <signal.h>

#include <gtest/gtest.h>

#include "tests/process/process_test_util.h"

namespace harness::run {
namespace {

using namespace std::chrono_literals;

class SleepService final : public driver::Service {
public:
  explicit SleepService(std::string name) : m_name(std::move(name)) {}
  const std::string& name() const override { return m_name; }
  const std::string& scenario_service() const override { return m_name; }
  std::string kind() const override { return "sleep"; }
  util::Status start() override {
    auto child = process::ChildProcess::spawn(process_test::sh("exec sleep 60"));
    if (!child) return child.error();
    m_child = std::move(child.value());
    ++starts;
    return util::Status::ok();
  }
  driver::ReadyPoll poll_ready() override {
    if (m_child && m_child->exit_status()) return {driver::Readiness::k_failed, "exited"};
    return {driver::Readiness::k_ready, {}};
  }
  void stop(std::chrono::milliseconds grace) override {
    if (m_child && m_child->running()) m_child->stop(grace);
  }
  std::optional<process::ExitStatus> exit_status() const override {
    return m_child ? m_child->exit_status() : std::nullopt;
  }
  std::optional<pid_t> main_pid() const override {
    return m_child ? std::optional<pid_t>(m_child->pid()) : std::nullopt;
  }
  std::map<std::string, std::string> placeholders() const override { return {}; }
  std::filesystem::path log_path() const override { return "/dev/null"; }
  std::string version() const override { return {}; }

  int starts = 0;

private:
  std::string m_name;
  std::unique_ptr<process::ChildProcess> m_child;
};

struct StackFixture {
  util::RealClock clock;
  History history{clock, "/dev/null"};
  RunControl control{clock, 60s};
  SleepService* service = nullptr;
  std::unique_ptr<Stack> stack;

  // `restart`: the instance's restart policy, with no backoff to speak of.
  explicit StackFixture(const std::string& restart) {
    std::vector<std::unique_ptr<driver::Service>> services;
    services.push_back(std::make_unique<SleepService>("db"));
    service = static_cast<SleepService*>(services.back().get());
    stack = std::make_unique<Stack>(std::move(services), history, control);
    InstancePolicy policy;
    policy.restart = restart;
    policy.backoff = health::scaled(health::Backoff::docker(), 0.01);
    stack->set_policies({{"db", policy}});
  }
  std::vector<std::string> types(const std::string& prefix) const {
    std::vector<std::string> out;
    for (const auto& e : history.events_of_type(prefix)) out.push_back(e.type);
    return out;
  }
};

TEST(StackTest, a_stop_by_the_harness_is_not_a_crash_and_is_not_restarted) {
  StackFixture f("always");
  ASSERT_TRUE(f.stack->start_all(10s));
  const pid_t first = *f.service->main_pid();
  ASSERT_TRUE(f.stack->stop_instance(f.service, "postgres-down", [first] { ::kill(first, SIGKILL); }, 5s));
  EXPECT_TRUE(f.service->exit_status().has_value());
  const auto stopped = f.history.events_of_type("service.stopped");
  ASSERT_EQ(stopped.size(), 1u);
  EXPECT_EQ(stopped[0].data["reason"], "postgres-down");
  EXPECT_EQ(stopped[0].data["signal"], SIGKILL);
  // `restart: always` would bring it back within ~1 ms of backoff; it stays down while held.
  EXPECT_FALSE(process_test::eventually([&] { return f.service->starts > 1; }, 300ms));
  EXPECT_TRUE(f.types("service.exited").empty());
  EXPECT_TRUE(f.types("service.restarted").empty());

  ASSERT_TRUE(f.stack->start_instance(f.service, "postgres-down cleared", 5s));
  EXPECT_EQ(f.service->starts, 2);
  EXPECT_NE(*f.service->main_pid(), first);
  const auto started = f.history.events_of_type("service.started");
  ASSERT_EQ(started.size(), 2u);
  EXPECT_EQ(started[1].data["reason"], "postgres-down cleared");
  // start_all does not await an instance with a restart policy (as Compose); start_instance does.
  EXPECT_EQ(f.types("service.ready").size(), 1u);
  EXPECT_EQ(f.stack->generation(f.service), 2);

  // Watched again: a crash now is a crash, and the restart policy acts.
  ::kill(*f.service->main_pid(), SIGKILL);
  EXPECT_TRUE(process_test::eventually([&] { return f.types("service.restarted").size() == 1; }));
  EXPECT_EQ(f.types("service.exited").size(), 1u);
}

// Docker stops a container's health monitor when the container stops: the probe in flight never counts. A probe
// that succeeds after its instance was killed must not make the dead instance healthy.
TEST(StackTest, a_probe_that_ends_after_its_instance_died_does_not_count) {
  StackFixture f("no");
  const auto marker = std::filesystem::temp_directory_path() / ("probing-" + std::to_string(::getpid()));
  std::filesystem::remove(marker);
  InstancePolicy policy;
  policy.healthcheck = scenario::HealthCheck{};
  policy.healthcheck->test = {"CMD-SHELL", "touch " + marker.string() + "; sleep 0.5"};
  policy.healthcheck->interval = 20ms;
  policy.healthcheck->timeout = 5s;
  f.stack->set_policies({{"db", policy}});
  ASSERT_TRUE(f.stack->start_all(10s));
  ASSERT_TRUE(process_test::eventually([&] { return std::filesystem::exists(marker); }, 5s));
  ::kill(*f.service->main_pid(), SIGKILL);  // while the first probe sleeps
  EXPECT_TRUE(process_test::eventually([&] { return !f.types("health.probe_discarded").empty(); }, 5s));
  for (const auto& e : f.history.events_of_type("health.state")) EXPECT_NE(e.data["state"], "healthy") << e.data;
  for (const auto& type : f.types("health.probe")) EXPECT_EQ(type, "health.probe_discarded");
  std::filesystem::remove(marker);
}

TEST(StackTest, stop_instance_without_a_way_uses_the_drivers_stop) {
  StackFixture f("no");
  ASSERT_TRUE(f.stack->start_all(10s));
  ASSERT_TRUE(f.stack->stop_instance(f.service, "redis-restart", {}, 5s));
  const auto stopped = f.history.events_of_type("service.stopped");
  ASSERT_EQ(stopped.size(), 1u);
  EXPECT_EQ(stopped[0].data["signal"], SIGTERM);
  ASSERT_TRUE(f.stack->start_instance(f.service, "redis-restart", 5s));
  EXPECT_FALSE(f.service->exit_status().has_value());
}

TEST(StackTest, only_an_instance_the_harness_stopped_can_be_started_again) {
  StackFixture f("no");
  ASSERT_TRUE(f.stack->start_all(10s));
  const auto st = f.stack->start_instance(f.service, "x", 5s);
  EXPECT_FALSE(st);
  EXPECT_EQ(st.message(), "service 'db' was not stopped by the harness");
}

TEST(StackTest, a_stopping_stack_refuses_to_stop_or_start_instances) {
  StackFixture f("no");
  ASSERT_TRUE(f.stack->start_all(10s));
  f.stack->stop_all();
  EXPECT_EQ(f.stack->stop_instance(f.service, "x", {}, 1s).kind(), util::ErrorKind::k_cancelled);
  EXPECT_EQ(f.stack->start_instance(f.service, "x", 1s).kind(), util::ErrorKind::k_cancelled);
}

}  // namespace
}  // namespace harness::run
