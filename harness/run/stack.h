#pragma once
// The running services of one scenario: boots them all in parallel, waits for readiness, watches for exits,
// and stops them. Every observation becomes a History event:
//   service.starting, service.ready {after_s, version}, service.failed {detail}, service.exited {code, signal,
//   expected}, service.stopped.
#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "harness/driver/placeholders.h"
#include "harness/driver/service.h"
#include "harness/run/history.h"
#include "harness/run/run_control.h"

namespace harness::run {

class Stack {
public:
  Stack(std::vector<std::unique_ptr<driver::Service>> services, History& history, const RunControl& control);
  ~Stack();  // stop_all(); noexcept
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // Starts every service at once and waits until all are ready. Fails (k_infrastructure) as soon as one
  // service's process exits or `timeout` passes, with that service's log tail; k_cancelled when the run must stop.
  util::Status start_all(std::chrono::milliseconds timeout);
  // Waits until the named instances or scenario services (all when empty) are ready again (after restarts).
  util::Status wait_ready(const std::vector<std::string>& names, std::chrono::milliseconds timeout);
  // Stops everything (in parallel), records service.stopped. Idempotent.
  void stop_all();

  const std::vector<std::unique_ptr<driver::Service>>& services() const { return m_services; }
  // Instances of a scenario service ("worker" -> worker.1, worker.2), or the one instance named so.
  std::vector<driver::Service*> instances(const std::string& name) const;
  const driver::PlaceholderTable& placeholders() const { return m_placeholders; }

private:
  util::Status wait_for(const std::vector<driver::Service*>& targets, std::chrono::milliseconds timeout);
  void monitor();

  std::vector<std::unique_ptr<driver::Service>> m_services;
  History& m_history;
  const RunControl& m_control;
  driver::PlaceholderTable m_placeholders;
  std::mutex m_mutex;
  std::set<const driver::Service*> m_started;
  std::set<const driver::Service*> m_exit_recorded;
  std::atomic<bool> m_stopping{false};
  std::atomic<bool> m_monitor_done{false};
  std::thread m_monitor;
};

}  // namespace harness::run
