#pragma once
// The one fake driver::Service of the unit tests: an instance that runs nothing. It starts at once, is ready at
// once (or never), exits when stopped or told to (exit_with), records the signals it is sent and answers them as
// a process group with a main process (200) and two pool children (201, 202) would. Tests of the Stack, the
// fault injector and the runner's phases use it behind the driver seam.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/driver/service.h"

namespace harness::driver::testing {

// What a FakeService is (FakeService::Options).
struct FakeServiceOptions {
  std::string scenario_service = {};  // the scenario service it is an instance of; empty = its own name
  std::string kind = "fake";     // what kind() answers ("rabbitmq" for a broker the sampler reads)
  bool ready = true;             // poll_ready answers ready once started, or "no answer yet" forever
  bool running = false;          // running before start() (an instance the test never starts)
  std::map<std::string, std::string> placeholders = {};
  std::string version = {};
  bool engine = false;  // an engine of its own takes health checks and restart policies (the docker driver's)
  bool orchestrator = false;  // ... and orchestrates: it restarts and replaces the instance (the swarm driver's)
};

class FakeService final : public driver::Service {
public:
  using Options = FakeServiceOptions;

  explicit FakeService(std::string name, Options options = {})
      : m_name(std::move(name)), m_options(std::move(options)), m_running(m_options.running) {
    if (m_options.scenario_service.empty()) m_options.scenario_service = m_name;
  }

  const std::string& name() const override { return m_name; }
  const std::string& scenario_service() const override { return m_options.scenario_service; }
  std::string kind() const override { return m_options.kind; }
  util::Status start() override {
    std::lock_guard lock(m_mutex);
    m_exit.reset();
    m_running = true;
    ++*starts;
    return util::Status::ok();
  }
  driver::ReadyPoll poll_ready() override {
    if (exit_status()) return {driver::Readiness::k_failed, "exited"};
    if (m_options.ready) return {driver::Readiness::k_ready, {}};
    return {driver::Readiness::k_not_yet, "no answer yet"};
  }
  // Stopping a running instance ends it as SIGKILL would; stopping one that does not run changes nothing.
  void stop(std::chrono::milliseconds) override {
    if (running()) exit_with(-1, 9);
  }
  std::optional<process::ExitStatus> exit_status() const override {
    std::lock_guard lock(m_mutex);
    return m_exit;
  }
  bool running() const override {
    std::lock_guard lock(m_mutex);
    return m_running;
  }
  nlohmann::json identity() const override { return nlohmann::json::object(); }
  driver::SignalResult signal(driver::SignalTarget target, int sig) override {
    std::lock_guard lock(m_mutex);
    if (!m_running) return {};
    sent.emplace_back(target, sig);
    if (target == driver::SignalTarget::k_children) return {true, {201, 202}};
    return {true, {200}};
  }
  std::map<std::string, std::string> placeholders() const override { return m_options.placeholders; }
  std::filesystem::path log_path() const override { return "/dev/null"; }
  std::string version() const override { return m_options.version; }

  // --- An engine of its own (Options::engine): the test plays it ---
  std::optional<std::string> use_engine_health_check(const driver::EngineHealthCheck& check) override {
    if (!m_options.engine) return std::nullopt;
    std::lock_guard lock(m_mutex);
    engine_check = check;
    return std::string{};
  }
  bool use_engine_restart_policy(const std::string& policy) override {
    if (!m_options.engine) return false;
    std::lock_guard lock(m_mutex);
    engine_policy = policy;
    return true;
  }
  int engine_restarts() const override {
    std::lock_guard lock(m_mutex);
    return m_engine_restarts;
  }
  void hold_engine_restarts() override { engine_held = true; }
  bool use_engine_orchestrator(const driver::EngineOrchestration& orchestration) override {
    if (!m_options.orchestrator) return false;
    engine_orchestration = orchestration;
    return true;
  }
  std::string engine_exit_reason() const override {
    std::lock_guard lock(m_mutex);
    return exit_reason;
  }
  std::optional<driver::EngineOrchestration> engine_orchestration;  // what the Stack handed the orchestrator
  std::string exit_reason;  // what the orchestrator says of the last exit (under m_mutex: set before exit_with)
  util::Status freeze(bool frozen) override {
    if (!m_options.engine) return driver::Service::freeze(frozen);  // no engine: the driver seam's refusal
    std::lock_guard lock(m_mutex);
    freezes.push_back(frozen);
    return {};
  }
  std::vector<bool> freezes;  // what freeze() was asked, in order (with an engine)
  std::optional<driver::EngineHealth> engine_health() const override {
    std::lock_guard lock(m_mutex);
    if (!m_running) return std::nullopt;
    return m_health;
  }
  // The engine restarts the exited instance by its policy (the same instance runs again).
  void engine_restart() {
    std::lock_guard lock(m_mutex);
    m_exit.reset();
    m_running = true;
    ++m_engine_restarts;
  }
  // What the engine reports of its health from now on.
  void set_engine_health(driver::EngineHealth health) {
    std::lock_guard lock(m_mutex);
    m_health = std::move(health);
  }
  std::optional<driver::EngineHealthCheck> engine_check;  // what the Stack handed the engine
  std::string engine_policy;
  std::atomic<bool> engine_held{false};

  // The instance exits by itself (a crash: exit code `code`, or killed by `signal`); the first exit counts.
  void exit_with(int code, int signal = 0) {
    std::lock_guard lock(m_mutex);
    m_running = false;
    if (!m_exit) m_exit = process::ExitStatus{code, signal};
  }

  // How often start() was called; shared, so a test reads it after the run destroyed the instance.
  std::shared_ptr<std::atomic<int>> starts = std::make_shared<std::atomic<int>>(0);
  // The signals sent while it ran, in order (read once the test's calls returned).
  std::vector<std::pair<driver::SignalTarget, int>> sent;

private:
  const std::string m_name;
  Options m_options;
  mutable std::mutex m_mutex;
  bool m_running;
  std::optional<process::ExitStatus> m_exit;
  int m_engine_restarts = 0;
  std::optional<driver::EngineHealth> m_health;
};

}  // namespace harness::driver::testing
