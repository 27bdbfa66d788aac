#pragma once
// A driver for unit tests of the runner's phases and of prestart: services that are ready at once (or never,
// or fail to be created), nothing started for real; it records what the run asked of it.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/driver/driver.h"

namespace harness::run::testing {

class FakeService final : public driver::Service {
public:
  FakeService(std::string name, std::string kind, bool ready)
      : m_name(std::move(name)), m_kind(std::move(kind)), m_ready(ready) {}
  const std::string& name() const override { return m_name; }
  const std::string& scenario_service() const override { return m_name; }
  std::string kind() const override { return m_kind; }
  util::Status start() override {
    std::lock_guard lock(m_mutex);
    m_running = true;
    ++*starts;
    return util::Status::ok();
  }
  driver::ReadyPoll poll_ready() override {
    if (m_ready) return {driver::Readiness::k_ready, {}};
    return {driver::Readiness::k_not_yet, "no answer yet"};
  }
  void stop(std::chrono::milliseconds) override {
    std::lock_guard lock(m_mutex);
    m_running = false;
  }
  std::optional<process::ExitStatus> exit_status() const override {
    std::lock_guard lock(m_mutex);
    return m_running || *starts == 0 ? std::nullopt : std::optional<process::ExitStatus>(process::ExitStatus{-1, 9});
  }
  bool running() const override {
    std::lock_guard lock(m_mutex);
    return m_running;
  }
  nlohmann::json identity() const override { return nlohmann::json::object(); }
  driver::SignalResult signal(driver::SignalTarget, int) override { return {}; }
  std::map<std::string, std::string> placeholders() const override { return {{"port", "1"}}; }
  std::filesystem::path log_path() const override { return "/dev/null"; }
  std::string version() const override { return "1.2.3"; }

  // How often start() was called; shared with the FakeDriver, so a test reads it after the run destroyed it.
  std::shared_ptr<std::atomic<int>> starts = std::make_shared<std::atomic<int>>(0);

private:
  std::string m_name;
  std::string m_kind;
  bool m_ready;
  mutable std::mutex m_mutex;
  bool m_running = false;
};

class FakeDriver final : public driver::Driver {
public:
  std::string name() const override { return "fake"; }
  // One FakeService per scenario service, of kind "rabbitmq" for a RabbitMQ, "fake" otherwise.
  util::Expected<std::vector<std::unique_ptr<driver::Service>>> create_services(
      const scenario::Scenario& scenario, const driver::RunPaths&) override {
    if (!create_error.empty()) return util::Status::infrastructure(create_error);
    std::vector<std::unique_ptr<driver::Service>> services;
    for (const auto& spec : scenario.services) {
      const bool broker = spec.kind == scenario::ServiceKind::k_rabbitmq;
      services.push_back(std::make_unique<FakeService>(spec.name, broker ? "rabbitmq" : "fake", ready));
      created.push_back(static_cast<FakeService*>(services.back().get()));
      starts.push_back(created.back()->starts);
    }
    return services;
  }
  std::vector<std::int64_t> kill_leftovers(const std::string& run_id) override {
    std::lock_guard lock(m_mutex);
    swept_runs.push_back(run_id);
    return {};
  }

  bool ready = true;              // the services it creates become ready at once, or never
  std::string create_error;       // non-empty: create_services fails with it
  std::vector<FakeService*> created;  // valid while the run owns them
  std::vector<std::shared_ptr<std::atomic<int>>> starts;  // each created service's start() count
  std::vector<std::string> swept_runs;  // kill_leftovers' run ids, in order

private:
  std::mutex m_mutex;
};

}  // namespace harness::run::testing
