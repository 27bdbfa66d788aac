#include "harness/stack/stack.h"

#include <algorithm>
#include <cstdio>
#include <future>
#include <ostream>

#include "harness/health/health_state.h"
#include "harness/stack/probe.h"
#include "harness/stack/stack_text.h"
#include "harness/scenario/duration.h"
#include "harness/util/log_tail.h"

namespace harness::stack {

namespace {
constexpr auto k_poll_interval = std::chrono::milliseconds{50};
constexpr auto k_monitor_interval = std::chrono::milliseconds{50};
constexpr auto k_stop_grace = std::chrono::milliseconds{2000};
// How often a readiness wait names the instances it still waits for.
constexpr auto k_progress_interval = std::chrono::seconds{10};
constexpr std::size_t k_log_tail_lines = 20;
// How long a command aimed at a dead instance waits for the monitor to record its exit.
constexpr auto k_record_grace = std::chrono::milliseconds{1000};

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Whether an engine that orchestrates restarts an instance that ended (Swarm's RestartPolicy: its condition and
// max_attempts; its window is the engine's to count).
bool engine_restarts_after(const driver::EngineOrchestration& orchestration, bool failed, int restarts) {
  if (orchestration.max_attempts && *orchestration.max_attempts > 0 && restarts >= *orchestration.max_attempts)
    return false;
  return orchestration.condition == "any" || (orchestration.condition == "on-failure" && failed);
}

constexpr const char* k_another_failed = "another service failed";
}  // namespace

Stack::Stack(std::vector<std::unique_ptr<driver::Service>> services, history::History& history,
             const RunControl& control, const util::Clock& clock)
    : m_services(std::move(services)), m_history(history), m_control(control), m_clock(clock) {
  m_placeholders = driver::placeholder_table(m_services);
  m_monitor = std::thread([this] { monitor(); });
}

Stack::~Stack() {
  stop_all();
  m_monitor_done = true;
  if (m_monitor.joinable()) m_monitor.join();
  for (auto& t : m_probers) t.join();
}

void Stack::set_policies(std::map<std::string, InstancePolicy> policies) {
  std::lock_guard lock(m_mutex);
  for (const auto& service : m_services) {
    auto it = policies.find(service->name());
    if (it == policies.end()) continue;
    Instance& instance = m_instances[service.get()];
    instance.policy = it->second;
    instance.backoff = std::make_unique<health::Backoff>(instance.policy.backoff);
    if (instance.policy.orchestration && service->use_engine_orchestrator(*instance.policy.orchestration))
      instance.engine_orchestrated = instance.engine_restarts = true;
    else if (instance.policy.restart != "no" && instance.policy.docker_backoff)
      instance.engine_restarts = service->use_engine_restart_policy(instance.policy.restart);
    const auto& hc = instance.policy.healthcheck;
    if (!hc || !engine_can_probe(*hc)) continue;
    // A placeholder that does not expand stays the harness's probe, whose every result then says why.
    if (auto check = engine_health_check(*hc, *service, m_placeholders))
      instance.engine_health = service->use_engine_health_check(*check);
  }
}

bool Stack::restarting(const driver::Service* service) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_instances.find(service);
  return it != m_instances.end() && it->second.restarting;
}

int Stack::generation(const driver::Service* service) const {
  std::lock_guard lock(m_mutex);
  auto it = m_instances.find(service);
  return it == m_instances.end() ? 0 : it->second.generation;
}

void Stack::replace_instance(driver::Service* service, const std::string& reason) {
  {
    std::lock_guard lock(m_mutex);
    Instance& instance = m_instances[service];
    if (instance.replacing || m_stopping) return;
    instance.replacing = true;
    instance.restart_reason = reason;
  }
  m_history.record(history::EventType::k_service_killed, service->name(), {{"reason", reason}});
  service->stop(k_stop_grace);  // Swarm/Kubernetes: SIGTERM, then SIGKILL after the grace period (a manual stop:
                                // an engine's restart policy leaves it to the orchestrator)
}

util::Status Stack::stop_instance(driver::Service* service, const std::string& reason,
                                  const std::function<void()>& how, std::chrono::milliseconds timeout) {
  {
    std::unique_lock lock(m_mutex);
    if (m_stopping) return util::Status::cancelled("the run is stopping");
    if (!m_started.count(service)) return util::Status::invalid("service '" + service->name() + "' was never started");
    Instance& instance = m_instances[service];
    instance.held = true;
    instance.restart_due.reset();  // an orchestrator restart due now would undo the fault
    instance.engine_restart_due = false;
    // A restart already under way would bring the instance back after `how` stopped it: let it finish, then stop
    // the process it started.
    m_restart_done.wait(lock, [&instance] { return !instance.restarting; });
  }
  service->hold_engine_restarts();  // the fault's stop is a manual one: the engine must not undo it
  if (how)
    how();
  else
    service->stop(k_stop_grace);
  const auto deadline = m_clock.now() + timeout;
  while (!service->exit_status() && m_clock.now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  if (!service->exit_status()) service->stop(k_stop_grace);  // it ignored `how`
  const auto status = service->exit_status();
  if (!status) return util::Status::infrastructure("service '" + service->name() + "' would not stop");
  {
    std::lock_guard lock(m_mutex);
    m_exit_recorded.insert(service);
  }
  // Not a service.exited: that event is an exit the harness did not cause (the `exit` check reads it).
  const history::Event stopped = m_history.record(history::EventType::k_service_stopped, service->name(),
                                         {{"reason", reason}, {"code", status->code}, {"signal", status->signal},
                                          {"describe", status->describe()}});
  std::lock_guard lock(m_mutex);
  m_down[service] = "stopped by the harness (" + reason + ") at " + format_seconds(stopped.t);
  return util::Status::ok();
}

util::Status Stack::start_instance(driver::Service* service, const std::string& reason,
                                   std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(m_mutex);
    if (m_stopping) return util::Status::cancelled("the run is stopping");
    if (!m_instances[service].held) {
      return util::Status::invalid("service '" + service->name() + "' was not stopped by the harness");
    }
  }
  // The monitor leaves a held instance alone, so nothing else touches its process while it is replaced.
  if (auto st = service->start(); !st) {
    m_history.record(history::EventType::k_service_failed, service->name(), {{"detail", st.message()}});
    return util::Status::infrastructure("service '" + service->name() + "' could not start again: " + st.message());
  }
  {
    std::lock_guard lock(m_mutex);
    Instance& instance = m_instances[service];
    instance.held = false;
    instance.engine_restarts_seen = 0;  // a new instance: its engine's count starts over
    instance.engine_restart_due = false;
    instance.started_at = m_clock.now();
    ++instance.generation;
    m_exit_recorded.erase(service);
    m_down.erase(service);
  }
  nlohmann::json started = service->identity();
  started.update({{"ports", service->ports()}, {"log", service->log_path().string()}, {"reason", reason}});
  m_history.record(history::EventType::k_service_started, service->name(), std::move(started));
  return wait_for({service}, timeout);
}

void Stack::on_exit(driver::Service* service, const process::ExitStatus& status) {
  const auto now = m_clock.now();
  std::string reason;
  double delay_s = 0;
  bool engine_restarts = false;  // the engine restarts it
  {
    std::lock_guard lock(m_mutex);
    Instance& instance = m_instances[service];
    const bool failed = status.code != 0 || status.signal != 0;
    const auto& restart = instance.policy.restart;
    // Held since the monitor saw the exit: stop_instance() owns the instance, no restart is scheduled.
    bool restart_it = !instance.held && (instance.replacing || restart == "always" || restart == "unless-stopped" ||
                                         (restart == "on-failure" && failed));
    reason = instance.replacing ? instance.restart_reason : "exited with " + status.describe();
    if (instance.engine_orchestrated) {  // the engine's policy decides, and says why it ended it
      restart_it = !instance.held && engine_restarts_after(*instance.policy.orchestration, failed, instance.restarts);
      if (const std::string words = service->engine_exit_reason(); !words.empty()) reason = words;
      // Swarm stops an unhealthy task as it stops any (SIGTERM first): a worker that shuts down cleanly then ends
      // "finished", exit 0, and one that was hung may have turned healthy again before the SIGTERM reached it. Why
      // it was ended: it was unhealthy since it started.
      if (instance.engine_unhealthy) reason = "unhealthy, then ended by the engine (" + reason + ")";
    }
    instance.exited_at = now;
    if (restart_it && instance.engine_restarts && !instance.replacing) {
      // The engine restarts it after its own delay (Docker's: the same doubling as health::Backoff::docker()).
      instance.engine_restart_due = engine_restarts = true;
      instance.restart_reason = reason;
      restart_it = false;
      reason.clear();
    }
    if (restart_it) {
      if (!instance.backoff) instance.backoff = std::make_unique<health::Backoff>(instance.policy.backoff);
      const auto ran_for = std::chrono::duration_cast<std::chrono::milliseconds>(now - instance.started_at);
      const auto delay = instance.backoff->next_delay(ran_for);
      instance.restart_due = now + delay;
      instance.restart_reason = reason;
      instance.restart_delay_s = std::chrono::duration<double>(delay).count();
      delay_s = instance.restart_delay_s;
    } else {
      reason.clear();
    }
    instance.replacing = false;
  }
  nlohmann::json data = {{"code", status.code}, {"signal", status.signal}, {"describe", status.describe()}};
  if (!reason.empty()) data["restart_in_s"] = delay_s;
  if (engine_restarts) data["restart_by"] = "engine";
  const history::Event exited = m_history.record(history::EventType::k_service_exited, service->name(), std::move(data));
  const std::string what = "exited (" + status.describe() + ") at " + format_seconds(exited.t);
  {
    std::lock_guard lock(m_mutex);
    m_down[service] = what;
  }
  print("  service " + service->name() + " " + what +
        (reason.empty() ? std::string{} : ", restarting in " + format_seconds(delay_s)) +
        (engine_restarts ? ", its engine restarts it" : "") + "\n");
}

void Stack::print(const std::string& line) {
  if (m_console == nullptr) return;
  std::lock_guard lock(m_console_mutex);
  *m_console << line << std::flush;
}

driver::Service* Stack::running_instance(const std::string& name) const {
  for (auto* s : instances(name)) {
    if (!s->running()) continue;
    // One the orchestrator is replacing is on its way out (SIGTERMed: a `docker exec` into it fails, exit 126): a
    // command waits for its replacement instead (restart_pending).
    std::lock_guard lock(m_mutex);
    const auto it = m_instances.find(s);
    if (it == m_instances.end() || !it->second.replacing) return s;
  }
  return nullptr;
}

bool Stack::restart_pending(const std::string& name) const {
  const auto targets = instances(name);
  std::lock_guard lock(m_mutex);
  for (const auto* s : targets) {
    const auto it = m_instances.find(s);
    if (it != m_instances.end() && (it->second.replacing || it->second.restarting || it->second.restart_due ||
                                    it->second.engine_restart_due))
      return true;
  }
  return false;
}

std::string Stack::no_running_instance(const std::string& name) const {
  if (running_instance(name) != nullptr) return {};
  // The Reaper may have collected an exit the monitor has not recorded yet (it looks every 50 ms): give it a moment,
  // so that the answer says when, and service.exited comes before what the caller records next.
  const auto deadline = m_clock.now() + k_record_grace;
  std::string why;
  for (auto* s : instances(name)) {
    std::optional<std::string> down;
    while (true) {
      {
        std::lock_guard lock(m_mutex);
        if (auto it = m_down.find(s); it != m_down.end()) down = it->second;
      }
      if (down || m_clock.now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    if (!down) {
      const auto status = s->exit_status();
      down = status ? "exited (" + status->describe() + ")" : std::string("not started");
    }
    why += (why.empty() ? "" : ", ") + s->name() + " " + *down;
  }
  return "service '" + name + "' has no running instance (" + why + ")";
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
  for (const auto& service : m_services) targets.push_back(service.get());
  return wait_for(targets, timeout, /*start_first=*/true);
}

util::Status Stack::start_one(driver::Service* service) {
  const bool adopted = m_adopted.count(service) && service->running();
  m_history.record(history::EventType::k_service_starting, service->name(),
                   adopted ? nlohmann::json{{"kind", service->kind()}, {"prestarted", true}}
                           : nlohmann::json{{"kind", service->kind()}});
  if (auto st = adopted ? util::Status::ok() : service->start(); !st) {
    m_history.record(history::EventType::k_service_failed, service->name(), {{"detail", st.message()}});
    return util::Status::infrastructure("service '" + service->name() + "' could not start: " + st.message());
  }
  {
    std::lock_guard lock(m_mutex);
    m_started.insert(service);
    Instance& instance = m_instances[service];
    instance.started_at = m_clock.now();
    instance.generation = 1;
    if (instance.engine_health) {
      m_probers.emplace_back([this, service, limits = *instance.engine_health] { engine_health_loop(service, limits); });
    } else if (instance.policy.healthcheck && !instance.policy.healthcheck->test.empty() &&
               instance.policy.healthcheck->test.front() != "NONE") {
      m_probers.emplace_back([this, service, hc = *instance.policy.healthcheck] { probe_loop(service, hc); });
    }
  }
  if (nlohmann::json started = service->identity(); !started.empty()) {
    started.update({{"ports", service->ports()}, {"log", service->log_path().string()}});
    m_history.record(history::EventType::k_service_started, service->name(), std::move(started));
  }
  return util::Status::ok();
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

std::string Stack::still_waiting(const driver::Service& service, const std::string& what, const std::string& last,
                                 bool tail) {
  std::string text = "service '" + service.name() + "'" + (what.empty() ? std::string{} : " " + what) +
                     " (ready when " + service.readiness_condition() +
                     (last.empty() ? std::string{} : "; last: " + last) + ")";
  if (!tail) return text;
  const std::string lines = util::tail_file(service.log_path(), k_log_tail_lines);
  if (!lines.empty()) text += "\n--- last lines of " + service.log_path().string() + " ---\n" + lines;
  return text;
}

util::Status Stack::wait_one(driver::Service* service, const WaitLimits& limits, std::atomic<bool>& give_up,
                             const std::function<void(const std::string&)>& note) {
  if (limits.start_first) {
    if (auto st = start_one(service); !st) {
      give_up = true;
      return st;
    }
    // A service with a restart policy is not awaited (Compose does not wait either): if it crash-loops,
    // the orchestrator restarts it and the checks judge it.
    std::lock_guard lock(m_mutex);
    if (m_instances[service].policy.restart != "no") return util::Status::ok();
  }
  while (!give_up) {
    const driver::ReadyPoll poll = service->poll_ready();
    if (poll.state == driver::Readiness::k_ready) {
      m_history.record(history::EventType::k_service_ready, service->name(),
                       {{"after_s", seconds(m_clock.now() - limits.begin)},
                        {"version", service->version()}});
      return util::Status::ok();
    }
    if (poll.state == driver::Readiness::k_failed && !limits.start_first && awaits_restart(service)) {
      note("exited; its restart is pending (" + poll.detail + ")");
    } else if (poll.state == driver::Readiness::k_failed) {
      m_history.record(history::EventType::k_service_failed, service->name(), {{"detail", poll.detail}});
      give_up = true;
      return util::Status::infrastructure(poll.detail);
    }
    note(poll.detail);
    if (m_clock.now() >= limits.deadline) {
      const std::string detail = still_waiting(
          *service, "not ready after " + scenario::format_duration(limits.timeout), poll.detail, /*tail=*/true);
      m_history.record(history::EventType::k_service_failed, service->name(), {{"detail", detail}});
      give_up = true;
      return util::Status::infrastructure(detail);
    }
    if (!m_control.sleep_for(k_poll_interval)) break;
  }
  if (m_control.should_stop()) return util::Status::cancelled(m_control.stop_reason());
  return util::Status::cancelled(k_another_failed);
}

// An exited instance that its orchestrator (the Stack, or an engine) will start again: a wait for its readiness waits
// for the restart. The monitor records an exit within k_monitor_interval; it is given up to k_record_grace.
bool Stack::awaits_restart(driver::Service* service) {
  for (auto waited = std::chrono::milliseconds{0}; waited < k_record_grace; waited += k_poll_interval) {
    {
      std::lock_guard lock(m_mutex);
      if (m_exit_recorded.count(service) || !service->exit_status()) break;  // recorded, or running again
    }
    std::this_thread::sleep_for(k_poll_interval);
  }
  return restart_pending(service->name());
}

util::Status Stack::wait_for(const std::vector<driver::Service*>& targets, std::chrono::milliseconds timeout,
                             bool start_first) {
  const auto begin = m_clock.now();
  const auto deadline = begin + timeout;
  std::atomic<bool> give_up{false};
  // Each target's last readiness answer, and whether its wait ended: the progress lines and a scenario timeout's
  // message name the ones still waiting.
  std::mutex progress_mutex;
  std::vector<std::pair<std::string, bool>> progress(targets.size());
  const WaitLimits limits{begin, deadline, timeout, start_first};
  // One thread per service: starting (PostgreSQL copies its template) and readiness probes (a Celery ping takes
  // ~0.5 s) block, so they run side by side.
  std::vector<std::future<util::Status>> waits;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    waits.push_back(std::async(std::launch::async, [&, i]() -> util::Status {
      const util::Status st = wait_one(targets[i], limits, give_up, [&](const std::string& last) {
        std::lock_guard lock(progress_mutex);
        progress[i].first = last;
      });
      std::lock_guard lock(progress_mutex);
      progress[i].second = true;
      return st;
    }));
  }
  auto next_report = begin + k_progress_interval;
  for (std::size_t i = 0; i < waits.size();) {
    if (waits[i].wait_for(std::chrono::milliseconds{100}) == std::future_status::ready) {
      ++i;
      continue;
    }
    if (m_clock.now() < next_report) continue;
    next_report += k_progress_interval;
    std::string lines;
    std::size_t count = 0;
    {
      std::lock_guard lock(progress_mutex);
      for (std::size_t t = 0; t < targets.size(); ++t) {
        if (progress[t].second) continue;
        ++count;
        lines += "    " + still_waiting(*targets[t], {}, progress[t].first, /*tail=*/false) + "\n";
      }
    }
    if (count > 0) {
      print("  still waiting after " + format_seconds(seconds(m_clock.now() - begin)) + " for " +
            std::to_string(count) + " of " + std::to_string(targets.size()) + " service(s):\n" + lines);
    }
  }
  util::Status first_error;
  std::string unready;  // the instances still waiting when the run was stopped
  for (std::size_t i = 0; i < waits.size(); ++i) {
    util::Status st = waits[i].get();
    if (!st && st.kind() == util::ErrorKind::k_cancelled && st.message() != k_another_failed) {
      unready += (unready.empty() ? "" : "\n") + still_waiting(*targets[i], "not ready", progress[i].first,
                                                                /*tail=*/true);
    }
    // Report the root cause, not "another service failed".
    if (!st && (first_error.is_ok() || first_error.message() == k_another_failed)) first_error = st;
  }
  if (!first_error && first_error.kind() == util::ErrorKind::k_cancelled && m_control.timed_out() && !unready.empty()) {
    return util::Status::cancelled(m_control.stop_reason() + " while waiting: " + unready);
  }
  return first_error;
}

void Stack::stop_all() {
  if (m_stopping.exchange(true)) return;
  {
    // No restart starts once m_stopping is set; one under way finishes first, so its new process is stopped too.
    std::unique_lock lock(m_mutex);
    m_restart_done.wait(lock, [this] {
      return std::none_of(m_instances.begin(), m_instances.end(), [](const auto& i) { return i.second.restarting; });
    });
  }
  std::vector<std::future<void>> stops;
  for (const auto& service : m_services) {
    {
      std::lock_guard lock(m_mutex);
      if (!m_started.count(service.get())) continue;
    }
    stops.push_back(std::async(std::launch::async, [&service, this] {
      const bool was_running = !service->exit_status().has_value();
      service->stop(service->teardown_grace());
      if (was_running) m_history.record(history::EventType::k_service_stopped, service->name());
    }));
  }
  for (auto& s : stops) s.wait();
}

void Stack::record_engine_events(driver::Service* service) {
  for (auto& event : service->take_engine_events()) {
    nlohmann::json data = {{"action", event.action}, {"engine_time_s", event.time_s}};
    if (!event.attributes.empty()) data["attributes"] = event.attributes;
    m_history.record(history::EventType::k_engine_event, service->name(), std::move(data));
  }
}

void Stack::monitor() {
  while (!m_monitor_done) {
    for (const auto& service : m_services) {
      bool restart_now = false;
      {
        std::lock_guard lock(m_mutex);
        if (!m_started.count(service.get())) continue;
      }
      record_engine_events(service.get());
      {
        std::lock_guard lock(m_mutex);
        auto& instance = m_instances[service.get()];
        if (instance.held) continue;  // stop_instance()/start_instance() own it until it is back
        restart_now = m_exit_recorded.count(service.get()) && instance.restart_due &&
                      m_clock.now() >= *instance.restart_due && !m_stopping;
        // Claimed under the same lock as the decision: stop_instance() and stop_all() wait for it to end.
        if (restart_now) instance.restarting = true;
      }
      if (!restart_now && note_engine_restart(service.get())) continue;
      {
        std::lock_guard lock(m_mutex);
        if (!restart_now && m_exit_recorded.count(service.get())) continue;
      }
      if (restart_now) {
        restart(service.get());
        continue;
      }
      if (auto status = service->exit_status()) {
        {
          std::lock_guard lock(m_mutex);
          if (m_instances[service.get()].held) continue;  // held since the check above: stop_instance() records it
          m_exit_recorded.insert(service.get());
        }
        if (!m_stopping) on_exit(service.get(), *status);
      }
    }
    std::this_thread::sleep_for(k_monitor_interval);
  }
}

bool Stack::note_engine_restart(driver::Service* service) {
  std::lock_guard lock(m_mutex);
  auto& instance = m_instances[service];
  if (!instance.engine_restarts || instance.held || !m_exit_recorded.count(service) || m_stopping) return false;
  const int count = service->engine_restarts();
  if (count <= instance.engine_restarts_seen || !service->running()) return false;
  instance.engine_restarts_seen = count;
  instance.engine_restart_due = false;
  const auto now = m_clock.now();
  instance.started_at = now;
  ++instance.generation;
  ++instance.restarts;
  m_exit_recorded.erase(service);
  m_down.erase(service);
  m_history.record(history::EventType::k_service_restarted, service->name(),
                   {{"count", instance.restarts}, {"reason", instance.restart_reason},
                    {"delay_s", seconds(now - instance.exited_at)}, {"by", "engine"}});
  return true;
}

void Stack::restart(driver::Service* service) {
  // Docker: the container is started again, on the same data, after the policy's delay. start() runs outside the
  // lock (it may block: PostgreSQL checks its template), with the instance marked `restarting`.
  const auto st = service->start();
  {
    std::lock_guard lock(m_mutex);
    auto& instance = m_instances[service];
    instance.restart_due.reset();
    instance.engine_restarts_seen = 0;  // a new instance: its engine's count starts over
    instance.engine_restart_due = false;
    instance.started_at = m_clock.now();
    ++instance.generation;
    ++instance.restarts;
    if (st) {
      m_exit_recorded.erase(service);
      m_down.erase(service);
      m_history.record(history::EventType::k_service_restarted, service->name(),
                       {{"count", instance.restarts}, {"reason", instance.restart_reason},
                        {"delay_s", instance.restart_delay_s}});
    } else {
      m_history.record(history::EventType::k_service_failed, service->name(), {{"detail", st.message()}});
    }
    instance.restarting = false;
  }
  m_restart_done.notify_all();
}

void Stack::replace_if_policy_says(driver::Service* service, const std::string& reason) {
  bool replace = false;
  {
    std::lock_guard lock(m_mutex);
    const Instance& instance = m_instances[service];
    // An engine that orchestrates (Swarm) replaces it itself, by its own policy.
    replace = instance.policy.restart_on_unhealthy && !instance.engine_orchestrated;
  }
  if (replace) replace_instance(service, reason);
}

void Stack::probe_loop(driver::Service* service, scenario::HealthCheck config) {
  auto started = m_clock.now();
  health::HealthTracker tracker(
      config, started,
      health::HealthTrackerOptions{
          .flavor = config.kubernetes ? health::ProbeFlavor::k_kubernetes : health::ProbeFlavor::k_docker,
          .start_interval = config.start_interval});
  int seen_generation = generation(service);
  m_history.record(history::EventType::k_health_state, service->name(), {{"state", "starting"}, {"previous", nullptr}});
  while (!m_stopping && !m_monitor_done && !m_control.should_stop()) {
    if (const int g = generation(service); g != seen_generation) {
      seen_generation = g;
      const auto previous = tracker.state();
      tracker.reset(m_clock.now());
      if (previous != tracker.state()) {
        m_history.record(history::EventType::k_health_state, service->name(),
                         {{"state", health::to_string(tracker.state())}, {"previous", health::to_string(previous)}});
      }
    }
    if (m_clock.now() < tracker.next_probe_at() || service->exit_status() || restarting(service)) {
      // A dead container is not probed, nor one being restarted: its new process may run before the restart is
      // done (a container takes ~0.3 s to create and start), and a probe of it then would count against the
      // streak of the instance it replaces.
      continue;
    }
    const auto result = run_probe(config, *service, m_placeholders);
    if (m_stopping) break;
    if (generation(service) != seen_generation || service->exit_status() || restarting(service)) {
      // Docker stops a container's health monitor when the container stops, cancelling the probe in flight: a
      // probe that outlived its instance (killed, or replaced by a restart) never counts, not even for the next.
      m_history.record(history::EventType::k_health_probe_discarded, service->name(),
                       {{"exit_code", result.exit_code},
                        {"reason", "the instance exited or was replaced while the probe ran"}});
      continue;
    }
    const auto previous = tracker.state();
    const auto state = tracker.record(result, m_clock.now());
    std::string output = result.output.size() > 500 ? result.output.substr(result.output.size() - 500) : result.output;
    m_history.record(history::EventType::k_health_probe, service->name(),
                     {{"exit_code", result.exit_code}, {"timed_out", result.timed_out},
                      {"duration_s", std::chrono::duration<double>(result.duration).count()},
                      {"output", output}, {"state", health::to_string(state)},
                      {"failing_streak", tracker.failing_streak()}});
    if (state != previous) {
      const history::Event changed = m_history.record(
          history::EventType::k_health_state, service->name(),
          {{"state", health::to_string(state)}, {"previous", health::to_string(previous)}});
      if (state == health::HealthState::k_unhealthy) {
        const std::string last = last_line(output);
        print("  service " + service->name() + " unhealthy at " + format_seconds(changed.t) + " (" +
              std::to_string(tracker.failing_streak()) + " failed probes, the last exit " +
              std::to_string(result.exit_code) + (last.empty() ? std::string{} : ": " + last) + ")\n");
      }
    }
    if (state == health::HealthState::k_unhealthy) {
      replace_if_policy_says(service, "unhealthy after " + std::to_string(tracker.failing_streak()) + " failed probes");
    }
  }
}

}  // namespace harness::stack
