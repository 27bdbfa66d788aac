#include "harness/driver/docker/container_runtime.h"

#include <csignal>

#include "harness/driver/docker/container_access.h"
#include "harness/process/proc_stat.h"

namespace harness::driver::docker {
namespace {
// POST /wait blocks for as long as the container runs; the runtime's destructor ends it by removing the container.
constexpr auto k_wait_forever = std::chrono::hours{24 * 365};
constexpr auto k_kill_wait = std::chrono::seconds{10};
constexpr std::size_t k_kept_events = 1000;  // not taken by anyone: the oldest go

double epoch_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

util::Expected<std::shared_ptr<ContainerRuntime>> ContainerRuntime::start(const Engine& engine,
                                                                         const std::string& name,
                                                                         const nlohmann::json& create_body) {
  auto created = engine.expect_ok("POST", "/containers/create?name=" + name, create_body);
  if (!created) {
    if (created.error().message().find("No such image") != std::string::npos) {
      return util::Status::infrastructure(created.error().message() +
                                          ": build it with scripts/images (or pull it where a registry is reachable)");
    }
    return created.error();
  }
  std::shared_ptr<ContainerRuntime> runtime(new ContainerRuntime(engine, created->body.value("Id", "")));
  // Followed from before its start (a second of margin: Docker replays from `since`); without it, the run goes on
  // with what the runtime sees itself, and the History lacks the engine's words only.
  auto events = EventStream::follow(engine, runtime->m_id, epoch_seconds() - 1, [raw = runtime.get()](EngineEvent e) {
    std::lock_guard lock(raw->m_mutex);
    if (raw->m_engine_events.size() >= k_kept_events) raw->m_engine_events.erase(raw->m_engine_events.begin());
    raw->m_engine_events.push_back(std::move(e));
  });
  if (events) runtime->m_events = std::move(*events);
  runtime->m_image = create_body.value("Image", "");
  const auto& policy = create_body["HostConfig"]["RestartPolicy"];
  runtime->m_restarts_by_policy = policy.is_object() && policy.value("Name", "no") != "no";
  runtime->m_keep = create_body["Labels"].contains(k_label_keep);
  if (auto started = engine.expect_ok("POST", "/containers/" + runtime->m_id + "/start"); !started) {
    return started.error();  // the destructor removes the created container
  }
  runtime->m_main_pid = container_state(engine, runtime->m_id).value("Pid", 0);
  runtime->m_watcher = std::thread([raw = runtime.get()] { raw->watch_exit(); });
  return runtime;
}

std::string ContainerRuntime::exit_hint(const process::ExitStatus& status) const {
  if (status.code != 127) return {};
  return " in image " + m_image + ", which lacks the program its log names (a stack image is built with "
         "scripts/images)";
}

// Blocks in POST /wait until the container is not running; the code it returns is the main process's. With a
// restart policy Docker may run it again: the exit is cleared then, and the wait starts over.
void ContainerRuntime::watch_exit() {
  while (true) {
    auto reply = m_engine.call("POST", "/containers/" + m_id + "/wait?condition=not-running", nullptr, k_wait_forever);
    int code = -1;
    if (reply && reply->body.is_object()) code = reply->body.value("StatusCode", -1);
    // The wait failed (the container is gone): what the engine last knew.
    if (code < 0) code = state().value("ExitCode", 137);
    if (code < 0) code = 137;
    {
      std::lock_guard lock(m_mutex);
      m_exit = exit_status_from_code(code);
      m_exited.notify_all();
    }
    if (!m_restarts_by_policy || !await_engine_restart()) return;
  }
}

bool ContainerRuntime::await_engine_restart() {
  constexpr auto k_poll = std::chrono::milliseconds{20};
  while (!m_held) {
    const auto state = this->state();
    if (state.empty()) return false;  // removed
    const bool restarting = state.value("Restarting", false);
    const bool running = state.value("Running", false);
    const pid_t pid = state.value("Pid", 0);
    if (running && !restarting && pid > 0) {
      std::lock_guard lock(m_mutex);
      m_main_pid = pid;
      m_exit.reset();
      ++m_engine_restarts;
      return true;
    }
    if (!running && !restarting) return false;  // Docker will not restart it (the policy, a manual stop)
    std::this_thread::sleep_for(k_poll);
  }
  return false;
}

util::Status ContainerRuntime::freeze(bool frozen) {
  auto reply = m_engine.expect_ok("POST", "/containers/" + m_id + (frozen ? "/pause" : "/unpause"));
  if (!reply) return reply.error();
  return {};
}

std::vector<EngineEvent> ContainerRuntime::take_engine_events() {
  std::lock_guard lock(m_mutex);
  return std::exchange(m_engine_events, {});
}

int ContainerRuntime::engine_restarts() const {
  std::lock_guard lock(m_mutex);
  return m_engine_restarts;
}

void ContainerRuntime::hold_engine_restarts() {
  if (!m_restarts_by_policy || m_held.exchange(true)) return;
  (void)m_engine.call("POST", "/containers/" + m_id + "/update", {{"RestartPolicy", {{"Name", "no"}}}});
  // A restart already decided (the container between an exit and its new start) is cancelled by a stop.
  if (state().value("Restarting", false)) (void)m_engine.call("POST", "/containers/" + m_id + "/stop?t=0");
}

ContainerRuntime::~ContainerRuntime() {
  if (m_events) m_events->stop();  // before anything of this object goes: its callback uses it
  if (m_keep) {
    // --keep: stopped (nothing of it runs), its restarts held, and left for docker inspect, logs and start.
    hold_engine_restarts();
    (void)m_engine.call("POST", "/containers/" + m_id + "/stop?t=0");
  } else {
    // force: a running container is SIGKILLed first; v: its anonymous volumes go with it. That also ends the wait.
    (void)m_engine.call("DELETE", "/containers/" + m_id + "?force=1&v=1");
  }
  if (m_watcher.joinable()) m_watcher.join();
}

std::optional<process::ExitStatus> ContainerRuntime::exit_status() const {
  std::lock_guard lock(m_mutex);
  return m_exit;
}

bool ContainerRuntime::wait_exit(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(m_mutex);
  return m_exited.wait_for(lock, timeout, [this] { return m_exit.has_value(); });
}

nlohmann::json ContainerRuntime::identity() const {
  return {{"pid", m_main_pid.load()}, {"container", m_id.substr(0, 12)}};
}

nlohmann::json ContainerRuntime::state() const { return container_state(m_engine, m_id); }

std::optional<EngineHealth> ContainerRuntime::engine_health() const { return running_container_health(m_engine, m_id); }

std::vector<pid_t> ContainerRuntime::processes() const { return container_processes(m_engine, m_id); }

SignalResult ContainerRuntime::signal(SignalTarget target, int sig) {
  if (!running()) return {};
  return signal_container(m_main_pid.load(), target, sig);
}

bool ContainerRuntime::set_priority(int nice) const { return running() && set_container_priority(m_engine, m_id, nice); }

void ContainerRuntime::stop(std::chrono::milliseconds grace) {
  hold_engine_restarts();  // a stop by the harness is a manual stop: Docker does not restart it
  if (!running()) return;
  // A stopped (SIGSTOPped) process acts on SIGTERM only once it runs again, as a local process group gets SIGCONT.
  for (const pid_t pid : processes()) process::send_signal(pid, SIGCONT);
  if (grace.count() > 0) {
    for (const pid_t pid : processes()) process::send_signal(pid, SIGTERM);
    if (wait_exit(grace)) return;
  }
  if (main_alive()) process::send_signal(m_main_pid, SIGKILL);
  if (!wait_exit(k_kill_wait)) (void)m_engine.call("POST", "/containers/" + m_id + "/kill?signal=KILL");
  (void)wait_exit(k_kill_wait);
}

bool ContainerRuntime::main_alive() const { return container_main_alive(m_main_pid.load()); }

std::optional<pid_t> ContainerRuntime::host_pid(pid_t own_pid) const { return container_host_pid(m_engine, m_id, own_pid); }

process::CommandResult ContainerRuntime::exec(const process::SpawnOptions& options,
                                              std::chrono::milliseconds timeout) const {
  return exec_in_container(m_engine, m_id, options, timeout);
}

}  // namespace harness::driver::docker
