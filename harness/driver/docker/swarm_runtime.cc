#include "harness/driver/docker/swarm_runtime.h"

#include <csignal>

#include "harness/datastore/http_client.h"
#include "harness/driver/docker/container_access.h"
#include "harness/driver/docker/docker_sweep.h"
#include "harness/driver/docker/engine_health.h"
#include "harness/process/proc_stat.h"

namespace harness::driver::docker {
namespace {
constexpr auto k_poll = std::chrono::milliseconds{100};
constexpr auto k_first_task_timeout = std::chrono::seconds{60};
constexpr auto k_kill_wait = std::chrono::seconds{10};
constexpr std::size_t k_kept_events = 1000;

const nlohmann::json& status_of(const nlohmann::json& task) {
  static const nlohmann::json k_empty = nlohmann::json::object();
  const auto it = task.find("Status");
  return it != task.end() && it->is_object() ? *it : k_empty;
}

std::string container_of(const nlohmann::json& task) {
  const auto& status = status_of(task);
  return status.contains("ContainerStatus") ? status["ContainerStatus"].value("ContainerID", "") : "";
}

pid_t pid_of(const nlohmann::json& task) {
  const auto& status = status_of(task);
  return status.contains("ContainerStatus") ? status["ContainerStatus"].value("PID", 0) : 0;
}

bool runs(const nlohmann::json& task) {
  return status_of(task).value("State", "") == "running" && task.value("DesiredState", "") == "running" &&
         pid_of(task) > 0;
}

// Swarm is starting or running it: it reports a task with a health check "starting" until the check passes (moby's
// executor, controller.go Start) and "running" after; a task whose check never passes (the fault that made its
// predecessor unhealthy is still there) has a running container all the same, the engine's restart of the instance.
bool started(const nlohmann::json& task) {
  const std::string state = status_of(task).value("State", "");
  return (state == "starting" || state == "running") && task.value("DesiredState", "") == "running" &&
         !container_of(task).empty();
}

// Swarm's words for a task's end: its error ("task: non-zero exit (137): dockerexec: unhealthy container"), else
// its message ("finished").
std::string words_of(const nlohmann::json& task) {
  const auto& status = status_of(task);
  const std::string error = status.value("Err", "");
  return error.empty() ? status.value("Message", "") : error;
}

double time_of(const nlohmann::json& task) {
  if (auto t = rfc3339_seconds(status_of(task).value("Timestamp", ""))) return *t;
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

bool swarm_task_ended(const std::string& state) {
  return state == "complete" || state == "shutdown" || state == "failed" || state == "rejected" ||
         state == "remove" || state == "orphaned";
}

util::Expected<std::shared_ptr<SwarmRuntime>> SwarmRuntime::start(const Engine& engine,
                                                                 const nlohmann::json& service_spec) {
  auto created = engine.expect_ok("POST", "/services/create", service_spec);
  if (!created) return created.error();
  std::shared_ptr<SwarmRuntime> runtime(new SwarmRuntime(engine, created->body.value("ID", "")));
  if (auto st = runtime->await_first_task(k_first_task_timeout); !st) return st;  // the destructor removes it
  runtime->m_watcher = std::thread([raw = runtime.get()] { raw->watch(); });
  return runtime;
}

util::Status SwarmRuntime::await_first_task(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last = "no task yet";
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& task : tasks().value_or(nlohmann::json::array())) {
      if (runs(task)) {
        std::lock_guard lock(m_mutex);
        m_task = {task.value("ID", ""), container_of(task), pid_of(task), task.value("Slot", 0)};
        note({"task running", {{"task", m_task.id}, {"slot", std::to_string(m_task.slot)}}, time_of(task)});
        return {};
      }
      const std::string state = status_of(task).value("State", "");
      last = "task " + task.value("ID", "") + " " + state + ": " + words_of(task);
      if (swarm_task_ended(state))
        return util::Status::infrastructure("Swarm could not start service " + m_service + ": " + last);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return util::Status::infrastructure("Swarm did not run a task of service " + m_service + " within " +
                                      std::to_string(timeout.count() / 1000) + " s (" + last + ")");
}

std::optional<nlohmann::json> SwarmRuntime::tasks() const {
  const std::string filter = datastore::url_encode(nlohmann::json{{"service", {m_service}}}.dump());
  auto reply = m_engine.call("GET", "/tasks?filters=" + filter, nullptr, std::chrono::seconds{5});
  if (!reply || reply->status != 200 || !reply->body.is_array()) return std::nullopt;
  return reply->body;
}

void SwarmRuntime::watch() {
  while (!m_stopping) {
    if (const auto listed = tasks()) observe(*listed);  // the engine did not answer: nothing learnt
    if (m_held && !m_scaled_down && exit_status()) scale_to_zero();
    std::this_thread::sleep_for(k_poll);
  }
}

void SwarmRuntime::observe(const nlohmann::json& listed) {
  std::lock_guard lock(m_mutex);
  if (m_rolling) return observe_rollout(listed);
  if (!m_exit) {
    const nlohmann::json* mine = nullptr;
    for (const auto& task : listed)
      if (task.value("ID", "") == m_task.id) mine = &task;
    const std::string state = mine ? status_of(*mine).value("State", "") : "remove";
    if (!swarm_task_ended(state)) return;
    int code = -1;
    if (mine && status_of(*mine).contains("ContainerStatus"))
      code = status_of(*mine)["ContainerStatus"].value("ExitCode", -1);
    if (code < 0) code = container_state(m_engine, m_task.container).value("ExitCode", 137);
    m_exit = exit_status_from_code(code);
    m_exit_reason = mine ? words_of(*mine) : "its task is gone";
    note({"task " + state, {{"task", m_task.id}, {"exitCode", std::to_string(code)}, {"error", m_exit_reason}},
          mine ? time_of(*mine) : time_of({})});
    m_changed.notify_all();
    return;
  }
  if (m_held) return;  // a task Swarm starts now is not this instance's: the harness stopped it
  for (const auto& task : listed) {
    if (!started(task) || task.value("ID", "") == m_task.id) continue;
    // A "starting" task's status holds no pid (Swarm reports the container's only at the next state): the
    // container's own.
    pid_t pid = pid_of(task);
    if (pid <= 0) pid = container_state(m_engine, container_of(task)).value("Pid", 0);
    if (pid <= 0) continue;  // not started yet
    m_task = {task.value("ID", ""), container_of(task), pid, task.value("Slot", 0)};
    m_exit.reset();
    ++m_restarts;
    note({"task " + status_of(task).value("State", std::string{}),
          {{"task", m_task.id}, {"slot", std::to_string(m_task.slot)}}, time_of(task)});
    m_changed.notify_all();
    return;
  }
}

void SwarmRuntime::observe_rollout(const nlohmann::json& listed) {
  for (const auto& task : listed) {
    const std::string id = task.value("ID", "");
    if (!runs(task) || id == m_task.id || m_retired.count(id)) continue;
    m_retired.insert(m_task.id);
    m_task = {id, container_of(task), pid_of(task), task.value("Slot", 0)};
    m_exit.reset();
    note({"task running", {{"task", m_task.id}, {"slot", std::to_string(m_task.slot)}, {"rollout", "new"}},
          time_of(task)});
    m_changed.notify_all();
    return;
  }
}

void SwarmRuntime::note(EngineEvent event) {
  if (m_events.size() >= k_kept_events) m_events.erase(m_events.begin());
  m_events.push_back(std::move(event));
}

SwarmRuntime::Task SwarmRuntime::current() const {
  std::lock_guard lock(m_mutex);
  return m_task;
}

std::optional<process::ExitStatus> SwarmRuntime::exit_status() const {
  std::lock_guard lock(m_mutex);
  return m_exit;
}

std::string SwarmRuntime::exit_reason() const {
  std::lock_guard lock(m_mutex);
  return m_exit_reason;
}

int SwarmRuntime::engine_restarts() const {
  std::lock_guard lock(m_mutex);
  return m_restarts;
}

std::vector<EngineEvent> SwarmRuntime::take_engine_events() {
  std::lock_guard lock(m_mutex);
  return std::exchange(m_events, {});
}

pid_t SwarmRuntime::main_pid() const { return current().pid; }

nlohmann::json SwarmRuntime::identity() const {
  const Task task = current();
  return {{"pid", task.pid},
          {"container", task.container.substr(0, 12)},
          {"swarm_service", m_service.substr(0, 12)},
          {"task", task.id}};
}

SignalResult SwarmRuntime::signal(SignalTarget target, int sig) {
  if (!running()) return {};
  return signal_container(current().pid, target, sig);
}

util::Status SwarmRuntime::freeze(bool frozen) {
  auto reply = m_engine.expect_ok("POST", "/containers/" + current().container + (frozen ? "/pause" : "/unpause"));
  if (!reply) return reply.error();
  return {};
}

bool SwarmRuntime::set_priority(int nice) const {
  return running() && set_container_priority(m_engine, current().container, nice);
}

std::optional<pid_t> SwarmRuntime::host_pid(pid_t own_pid) const {
  return container_host_pid(m_engine, current().container, own_pid);
}

process::CommandResult SwarmRuntime::exec(const process::SpawnOptions& options,
                                          std::chrono::milliseconds timeout) const {
  return exec_in_container(m_engine, current().container, options, timeout);
}

std::optional<EngineHealth> SwarmRuntime::engine_health() const {
  if (!running()) return std::nullopt;
  return running_container_health(m_engine, current().container);
}

void SwarmRuntime::hold_engine_restarts() {
  m_held = true;
  if (exit_status()) scale_to_zero();
}

// Replicas 0: Swarm starts no task for the service (and stops one it started meanwhile).
void SwarmRuntime::scale_to_zero() {
  if (m_scaled_down.exchange(true)) return;
  auto inspected = m_engine.call("GET", "/services/" + m_service);
  if (!inspected || inspected->status != 200 || !inspected->body.is_object()) return;
  nlohmann::json spec = inspected->body["Spec"];
  spec["Mode"] = {{"Replicated", {{"Replicas", 0}}}};
  const auto version = inspected->body["Version"].value("Index", 0ULL);
  (void)m_engine.call("POST", "/services/" + m_service + "/update?version=" + std::to_string(version), spec);
}

bool SwarmRuntime::wait_exit(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(m_mutex);
  return m_changed.wait_for(lock, timeout, [this] { return m_exit.has_value(); });
}

void SwarmRuntime::stop(std::chrono::milliseconds grace) {
  hold_engine_restarts();  // a stop by the harness: Swarm's next task is not this instance
  if (running()) {
    const Task task = current();
    for (const pid_t pid : container_processes(m_engine, task.container)) process::send_signal(pid, SIGCONT);
    bool exited = false;
    if (grace.count() > 0) {
      for (const pid_t pid : container_processes(m_engine, task.container)) process::send_signal(pid, SIGTERM);
      exited = wait_exit(grace);
    }
    if (!exited) {
      if (container_main_alive(task.pid)) process::send_signal(task.pid, SIGKILL);
      if (!wait_exit(k_kill_wait)) (void)m_engine.call("POST", "/containers/" + task.container + "/kill?signal=KILL");
      (void)wait_exit(k_kill_wait);
    }
  }
  scale_to_zero();
}

SwarmRuntime::~SwarmRuntime() {
  m_stopping = true;
  if (m_watcher.joinable()) m_watcher.join();
  (void)m_engine.call("DELETE", "/services/" + m_service);
  // Swarm removes a removed service's containers in its own time: they go now (force: SIGKILL first).
  (void)remove_containers(m_engine, {{"com.docker.swarm.service.id", m_service}});
}

}  // namespace harness::driver::docker
