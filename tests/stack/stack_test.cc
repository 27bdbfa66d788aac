// Stack::stop_instance / start_instance: a stop the harness does on purpose (a fault) is not a crash to the
// orchestrator. A fake service runs a real `sleep` so exits and restarts go through the real Reaper.
#include "harness/stack/stack.h"

#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/process/process_test_util.h"

namespace harness::stack {
namespace {

using namespace std::chrono_literals;

// A gate a test closes to hold a start() half-way (a manual interleaving of the monitor's restart with a fault).
class Gate {
public:
  void close() {
    std::lock_guard lock(m_mutex);
    m_open = false;
    m_entered = false;
  }
  void open() {
    {
      std::lock_guard lock(m_mutex);
      m_open = true;
    }
    m_changed.notify_all();
  }
  // Called by the held thread: says it arrived, then waits until the gate opens.
  void pass() {
    std::unique_lock lock(m_mutex);
    m_entered = true;
    m_changed.notify_all();
    m_changed.wait(lock, [this] { return m_open; });
  }
  bool wait_entered(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, timeout, [this] { return m_entered; });
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  bool m_open = true;
  bool m_entered = false;
};

class SleepService final : public driver::Service {
public:
  explicit SleepService(std::string name) : m_name(std::move(name)) {}
  const std::string& name() const override { return m_name; }
  const std::string& scenario_service() const override { return m_name; }
  std::string kind() const override { return "sleep"; }
  util::Status start() override {
    gate.pass();
    auto child = process::ChildProcess::spawn(process_test::sh("exec sleep 60"));
    if (!child) return child.error();
    std::shared_ptr<process::ChildProcess> spawned = std::move(child.value());
    {
      std::lock_guard lock(m_mutex);
      m_child.swap(spawned);
    }
    ++starts;
    return util::Status::ok();
  }
  driver::ReadyPoll poll_ready() override {
    if (exit_status()) return {driver::Readiness::k_failed, "exited"};
    if (never_ready) return {driver::Readiness::k_not_yet, "no answer on its port yet"};
    return {driver::Readiness::k_ready, {}};
  }
  std::string readiness_condition() const override { return "its port answers"; }
  void stop(std::chrono::milliseconds grace) override {
    if (auto c = child(); c && c->running()) c->stop(grace);
  }
  std::optional<process::ExitStatus> exit_status() const override {
    auto c = child();
    return c ? c->exit_status() : std::nullopt;
  }
  bool running() const override {
    auto c = child();
    return c && c->running();
  }
  nlohmann::json identity() const override {
    auto c = child();
    return c && c->running() ? nlohmann::json{{"pid", c->pid()}} : nlohmann::json::object();
  }
  driver::SignalResult signal(driver::SignalTarget, int sig) override {
    auto c = child();
    if (!c || !c->running()) return {};
    c->signal_group(sig);
    return {true, {c->pid()}};
  }
  // The test's own handle on the process (the seam has none).
  std::optional<pid_t> main_pid() const {
    auto c = child();
    return c ? std::optional<pid_t>(c->pid()) : std::nullopt;
  }
  std::map<std::string, std::string> placeholders() const override { return {}; }
  std::filesystem::path log_path() const override { return log; }
  std::string version() const override { return {}; }

  std::atomic<int> starts{0};
  Gate gate;
  bool never_ready = false;
  std::filesystem::path log = "/dev/null";

private:
  // The monitor thread reads the process while a restart replaces it (as LocalService).
  std::shared_ptr<process::ChildProcess> child() const {
    std::lock_guard lock(m_mutex);
    return m_child;
  }
  std::string m_name;
  mutable std::mutex m_mutex;
  std::shared_ptr<process::ChildProcess> m_child;
};

struct StackFixture {
  util::RealClock clock;
  history::History history{clock, "/dev/null"};
  stack::RunControl control;
  SleepService* service = nullptr;
  std::unique_ptr<Stack> stack;

  // `restart`: the instance's restart policy, with no backoff to speak of; `run_timeout`: the scenario's.
  explicit StackFixture(const std::string& restart, std::chrono::milliseconds run_timeout = 60s)
      : control(clock, run_timeout) {
    std::vector<std::unique_ptr<driver::Service>> services;
    services.push_back(std::make_unique<SleepService>("db"));
    service = static_cast<SleepService*>(services.back().get());
    stack = std::make_unique<Stack>(std::move(services), history, control, clock);
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

// The monitor decides to restart under the lock and starts outside it. A fault's stop_instance() that comes while
// that start is under way must win: it waits for the restart, then stops the new process, and the instance stays
// down. (Before, stop_instance() returned at once, the restart then completed, and the fault was undone.)
TEST(StackTest, a_restart_under_way_does_not_undo_a_stop_instance) {
  StackFixture f("always");
  ASSERT_TRUE(f.stack->start_all(10s));
  f.service->gate.close();
  ::kill(*f.service->main_pid(), SIGKILL);
  ASSERT_TRUE(f.service->gate.wait_entered(10s));  // the monitor's restart is held inside start()

  auto stop = std::async(std::launch::async, [&] { return f.stack->stop_instance(f.service, "fault", {}, 5s); });
  // Give a stop_instance() that does not wait for the restart the time to return (it takes microseconds); one that
  // waits is still waiting. Either way the gate then opens and the outcome is judged.
  (void)stop.wait_for(500ms);
  f.service->gate.open();
  ASSERT_TRUE(stop.get());

  ASSERT_TRUE(process_test::eventually([&] { return f.types("service.restarted").size() == 1; }));
  EXPECT_EQ(f.service->starts, 2);
  EXPECT_TRUE(f.service->exit_status().has_value()) << "the restart brought back an instance stop_instance stopped";
  const auto stopped = f.history.events_of_type("service.stopped");
  ASSERT_EQ(stopped.size(), 1u);
  EXPECT_EQ(stopped[0].data["signal"], SIGTERM);  // the restarted process, stopped by the driver's stop
  EXPECT_FALSE(process_test::eventually([&] { return f.service->starts > 2; }, 300ms));
}

TEST(StackTest, an_exit_by_itself_is_printed_and_then_named_by_a_command_aimed_at_the_service) {
  StackFixture f("no");
  std::ostringstream console;
  f.stack->set_console(&console);
  ASSERT_TRUE(f.stack->start_all(10s));
  EXPECT_EQ(f.stack->running_instance("db"), f.service);
  EXPECT_EQ(f.stack->no_running_instance("db"), "");
  ::kill(*f.service->main_pid(), SIGKILL);
  ASSERT_TRUE(process_test::eventually(
      [&] { return f.stack->no_running_instance("db").find("exited") != std::string::npos; }));
  EXPECT_EQ(f.stack->running_instance("db"), nullptr);
  const auto exited = f.history.events_of_type("service.exited");
  ASSERT_EQ(exited.size(), 1u);
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", exited[0].t);
  const std::string at = text;
  EXPECT_EQ(f.stack->no_running_instance("db"),
            "service 'db' has no running instance (db exited (killed by SIGKILL) at " + at + ")");
  f.stack.reset();  // the monitor thread, which prints, has ended
  EXPECT_EQ(console.str(), "  service db exited (killed by SIGKILL) at " + at + "\n");
}

TEST(StackTest, a_command_aimed_at_an_instance_a_fault_stopped_says_so) {
  StackFixture f("no");
  ASSERT_TRUE(f.stack->start_all(10s));
  ASSERT_TRUE(f.stack->stop_instance(f.service, "postgres-down", {}, 5s));
  EXPECT_THAT(f.stack->no_running_instance("db"),
              testing::MatchesRegex(R"(service 'db' has no running instance \(db stopped by the harness )"
                                    R"(\(postgres-down\) at [0-9]+\.[0-9] s\))"));
}

TEST(StackTest, a_readiness_timeout_names_the_instance_its_condition_last_answer_and_log) {
  StackFixture f("no");
  const auto log = std::filesystem::temp_directory_path() / ("never-ready-" + std::to_string(::getpid()) + ".log");
  std::ofstream(log) << "booting\nstill-starting\n";
  f.service->never_ready = true;
  f.service->log = log;
  const auto st = f.stack->start_all(300ms);
  EXPECT_EQ(st.kind(), util::ErrorKind::k_infrastructure);
  EXPECT_EQ(st.message(), "service 'db' not ready after 300ms (ready when its port answers; last: no answer on its "
                          "port yet)\n--- last lines of " + log.string() + " ---\nbooting\nstill-starting\n");
  std::filesystem::remove(log);
}

TEST(StackTest, a_scenario_timeout_during_the_boot_names_the_instances_still_waiting) {
  StackFixture f("no", 300ms);
  f.service->never_ready = true;
  const auto st = f.stack->start_all(10s);
  EXPECT_EQ(st.kind(), util::ErrorKind::k_cancelled);
  EXPECT_EQ(st.message(), "scenario timeout of 300ms exceeded while waiting: service 'db' not ready (ready when its "
                          "port answers; last: no answer on its port yet)");
}

}  // namespace
}  // namespace harness::stack
