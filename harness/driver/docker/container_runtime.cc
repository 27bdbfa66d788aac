#include "harness/driver/docker/container_runtime.h"

#include <sys/resource.h>

#include <csignal>

#include "harness/driver/docker/engine_health.h"
#include "harness/driver/docker/raw_stream.h"
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

process::ExitStatus exit_status_from_code(int code) {
  process::ExitStatus status;
  if (code > 128 && code <= 128 + 64) {
    status.signal = code - 128;
  } else {
    status.code = code;
  }
  return status;
}

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
  runtime->m_main_pid = runtime->state().value("Pid", 0);
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

nlohmann::json ContainerRuntime::state() const {
  auto inspected = m_engine.call("GET", "/containers/" + m_id + "/json", nullptr, std::chrono::seconds{5});
  if (!inspected || inspected->status != 200 || !inspected->body.is_object()) return nlohmann::json::object();
  const auto it = inspected->body.find("State");
  return it != inspected->body.end() && it->is_object() ? *it : nlohmann::json::object();
}

std::optional<EngineHealth> ContainerRuntime::engine_health() const {
  const auto state = this->state();
  // Docker stops a container's health monitor while it is not running or paused, and sets its status to
  // "unhealthy" then "for compatibility reasons" (moby container/health.go, CloseMonitorChannel), with no probe and
  // no health_status event: not a verdict of its prober, which an orchestrator would act on. Not reported.
  if (!state.value("Running", false) || state.value("Restarting", false) ||
      state.value("Paused", false))
    return std::nullopt;
  return engine_health_from_state(state);
}

std::vector<pid_t> ContainerRuntime::processes() const {
  std::vector<pid_t> pids;
  auto top = m_engine.call("GET", "/containers/" + m_id + "/top?ps_args=-o%20pid");
  if (!top || !top->body.is_object() || !top->body["Processes"].is_array()) return pids;
  for (const auto& row : top->body["Processes"]) {
    if (!row.is_array() || row.empty() || !row[0].is_string()) continue;
    try {
      pids.push_back(static_cast<pid_t>(std::stol(row[0].get<std::string>())));
    } catch (const std::exception&) {
    }
  }
  return pids;
}

SignalResult ContainerRuntime::signal(SignalTarget target, int sig) {
  SignalResult result;
  if (!running() || m_main_pid <= 0) return result;
  std::vector<pid_t> targets;
  if (target == SignalTarget::k_group) targets = main_tree();
  if ((target == SignalTarget::k_main || target == SignalTarget::k_server) && main_alive()) targets = {m_main_pid.load()};
  if (target == SignalTarget::k_children) targets = process::children_of(m_main_pid);
  for (const pid_t pid : targets)
    if (process::send_signal(pid, sig)) result.processes.push_back(pid);
  result.delivered = target == SignalTarget::k_children || !result.processes.empty();
  return result;
}

std::vector<pid_t> ContainerRuntime::main_tree() const {
  std::vector<pid_t> tree;
  if (!main_alive()) return tree;
  tree.push_back(m_main_pid.load());
  for (std::size_t i = 0; i < tree.size(); ++i)
    for (const pid_t child : process::children_of(tree[i])) tree.push_back(child);
  return tree;
}

bool ContainerRuntime::set_priority(int nice) const {
  if (!running()) return false;
  bool all = true;
  for (const pid_t pid : processes()) all = ::setpriority(PRIO_PROCESS, static_cast<id_t>(pid), nice) == 0 && all;
  return all;
}

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

// The container's PID 1 still has its host pid: a pid freed by an exit and reused by a host process is not PID 1 in
// a namespace of its own.
bool ContainerRuntime::main_alive() const {
  const pid_t pid = m_main_pid.load();
  return pid > 0 && process::innermost_pid(pid) == 1;
}

std::optional<pid_t> ContainerRuntime::host_pid(pid_t own_pid) const {
  for (const pid_t pid : processes())
    if (process::innermost_pid(pid) == own_pid) return pid;
  return std::nullopt;
}

namespace {
constexpr std::size_t k_exec_output_limit = 64 * 1024;  // as run_command: the last 64 KiB

process::CommandResult exec_failed(std::string why) {
  process::CommandResult result;
  result.spawn_failed = true;
  result.output = std::move(why);
  return result;
}
}  // namespace

process::CommandResult ContainerRuntime::exec(const process::SpawnOptions& options,
                                              std::chrono::milliseconds timeout) const {
  const auto began = std::chrono::steady_clock::now();
  nlohmann::json env = nlohmann::json::array();
  for (const auto& [key, value] : options.environment) env.push_back(key + "=" + value);
  nlohmann::json body = {{"AttachStdout", true}, {"AttachStderr", true}, {"Cmd", options.argv}, {"Env", env}};
  if (!options.working_directory.empty())
    body["WorkingDir"] = std::filesystem::absolute(options.working_directory).string();
  if (options.run_as_user) body["User"] = *options.run_as_user;  // as ChildProcess's switch of user
  auto created = m_engine.expect_ok("POST", "/containers/" + m_id + "/exec", body);
  if (!created) return exec_failed(created.error().message());
  const std::string exec_id = created->body.value("Id", "");
  auto started = m_engine.call("POST", "/exec/" + exec_id + "/start", {{"Detach", false}, {"Tty", false}}, timeout);
  process::CommandResult result;
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
  auto inspected = m_engine.call("GET", "/exec/" + exec_id + "/json");
  const nlohmann::json state = inspected && inspected->body.is_object() ? inspected->body : nlohmann::json::object();
  if (!started || state.value("Running", false)) {
    if (const pid_t pid = state.value("Pid", 0); pid > 0) process::send_signal(pid, SIGKILL);
    result.timed_out = true;
    result.output = started ? demultiplex(started->text) : std::string{};
    return result;
  }
  result.output = demultiplex(started->text);
  if (result.output.size() > k_exec_output_limit)
    result.output = result.output.substr(result.output.size() - k_exec_output_limit);
  if (!state.contains("ExitCode") || state["ExitCode"].is_null()) return exec_failed("docker exec: no exit code");
  result.status = exit_status_from_code(state.value("ExitCode", -1));
  return result;
}

}  // namespace harness::driver::docker
