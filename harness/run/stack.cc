#include "harness/run/stack.h"

#include <future>

#include "harness/scenario/duration.h"

namespace harness::run {

namespace {
constexpr auto k_poll_interval = std::chrono::milliseconds{50};
constexpr auto k_monitor_interval = std::chrono::milliseconds{50};
constexpr auto k_stop_grace = std::chrono::milliseconds{2000};

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

Stack::Stack(std::vector<std::unique_ptr<driver::Service>> services, History& history, const RunControl& control)
    : m_services(std::move(services)), m_history(history), m_control(control) {
  m_placeholders = driver::placeholder_table(m_services);
  m_monitor = std::thread([this] { monitor(); });
}

Stack::~Stack() {
  stop_all();
  m_monitor_done = true;
  if (m_monitor.joinable()) m_monitor.join();
}

std::vector<driver::Service*> Stack::instances(const std::string& name) const {
  std::vector<driver::Service*> out;
  for (const auto& s : m_services) {
    if (s->name() == name || s->scenario_service() == name) out.push_back(s.get());
  }
  return out;
}

util::Status Stack::start_all(std::chrono::milliseconds timeout) {
  std::vector<driver::Service*> targets;
  for (const auto& service : m_services) {
    m_history.record("service.starting", service->name(), {{"kind", service->kind()}});
    if (auto st = service->start(); !st) {
      m_history.record("service.failed", service->name(), {{"detail", st.message()}});
      return util::Status::infrastructure("service '" + service->name() + "' could not start: " + st.message());
    }
    {
      std::lock_guard lock(m_mutex);
      m_started.insert(service.get());
    }
    if (auto pid = service->main_pid()) {
      m_history.record("service.started", service->name(),
                       {{"pid", *pid}, {"ports", service->ports()}, {"log", service->log_path().string()}});
    }
    targets.push_back(service.get());
  }
  return wait_for(targets, timeout);
}

util::Status Stack::wait_ready(const std::vector<std::string>& names, std::chrono::milliseconds timeout) {
  std::vector<driver::Service*> targets;
  if (names.empty()) {
    for (const auto& s : m_services) targets.push_back(s.get());
  }
  for (const auto& name : names) {
    for (auto* s : instances(name)) targets.push_back(s);
  }
  return wait_for(targets, timeout);
}

util::Status Stack::wait_for(const std::vector<driver::Service*>& targets, std::chrono::milliseconds timeout) {
  const auto begin = std::chrono::steady_clock::now();
  const auto deadline = begin + timeout;
  std::atomic<bool> give_up{false};
  // One thread per service: readiness probes block (a Celery ping takes ~0.5 s), so they run side by side.
  std::vector<std::future<util::Status>> waits;
  for (auto* service : targets) {
    waits.push_back(std::async(std::launch::async, [&, service]() -> util::Status {
      driver::ReadyPoll poll;
      while (!give_up) {
        poll = service->poll_ready();
        if (poll.state == driver::Readiness::k_ready) {
          m_history.record("service.ready", service->name(),
                           {{"after_s", seconds(std::chrono::steady_clock::now() - begin)},
                            {"version", service->version()}});
          return util::Status::ok();
        }
        if (poll.state == driver::Readiness::k_failed) {
          m_history.record("service.failed", service->name(), {{"detail", poll.detail}});
          give_up = true;
          return util::Status::infrastructure(poll.detail);
        }
        if (std::chrono::steady_clock::now() >= deadline) {
          std::string detail = "service '" + service->name() + "' not ready after " +
                               scenario::format_duration(timeout) + " (" + poll.detail + ")";
          m_history.record("service.failed", service->name(), {{"detail", detail}});
          give_up = true;
          return util::Status::infrastructure(detail);
        }
        if (!m_control.sleep_for(k_poll_interval)) break;
      }
      if (m_control.should_stop()) return util::Status::cancelled(m_control.stop_reason());
      return util::Status::cancelled("another service failed");
    }));
  }
  util::Status first_error;
  for (auto& wait : waits) {
    util::Status st = wait.get();
    // Report the root cause, not "another service failed".
    if (!st && (first_error.is_ok() || first_error.message() == "another service failed")) first_error = st;
  }
  return first_error;
}

void Stack::stop_all() {
  if (m_stopping.exchange(true)) return;
  std::vector<std::future<void>> stops;
  for (const auto& service : m_services) {
    {
      std::lock_guard lock(m_mutex);
      if (!m_started.count(service.get())) continue;
    }
    stops.push_back(std::async(std::launch::async, [&service, this] {
      const bool was_running = !service->exit_status().has_value();
      service->stop(k_stop_grace);
      if (was_running) m_history.record("service.stopped", service->name());
    }));
  }
  for (auto& s : stops) s.wait();
}

void Stack::monitor() {
  while (!m_monitor_done) {
    for (const auto& service : m_services) {
      {
        std::lock_guard lock(m_mutex);
        if (!m_started.count(service.get()) || m_exit_recorded.count(service.get())) continue;
      }
      if (auto status = service->exit_status()) {
        {
          std::lock_guard lock(m_mutex);
          m_exit_recorded.insert(service.get());
        }
        if (!m_stopping) {
          m_history.record("service.exited", service->name(),
                           {{"code", status->code}, {"signal", status->signal}, {"describe", status->describe()}});
        }
      }
    }
    std::this_thread::sleep_for(k_monitor_interval);
  }
}

}  // namespace harness::run
