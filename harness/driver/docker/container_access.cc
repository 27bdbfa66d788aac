#include "harness/driver/docker/container_access.h"

#include <sys/resource.h>

#include <csignal>

#include "harness/driver/docker/engine_health.h"
#include "harness/driver/docker/raw_stream.h"
#include "harness/process/proc_stat.h"

namespace harness::driver::docker {
namespace {
constexpr std::size_t k_exec_output_limit = 64 * 1024;  // as run_command: the last 64 KiB

process::CommandResult exec_failed(std::string why) {
  process::CommandResult result;
  result.spawn_failed = true;
  result.output = std::move(why);
  return result;
}

// PID 1 and its descendants.
std::vector<pid_t> main_tree(pid_t main_pid) {
  std::vector<pid_t> tree;
  if (!container_main_alive(main_pid)) return tree;
  tree.push_back(main_pid);
  for (std::size_t i = 0; i < tree.size(); ++i)
    for (const pid_t child : process::children_of(tree[i])) tree.push_back(child);
  return tree;
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

nlohmann::json container_state(const Engine& engine, const std::string& id) {
  auto inspected = engine.call("GET", "/containers/" + id + "/json", nullptr, std::chrono::seconds{5});
  if (!inspected || inspected->status != 200 || !inspected->body.is_object()) return nlohmann::json::object();
  const auto it = inspected->body.find("State");
  return it != inspected->body.end() && it->is_object() ? *it : nlohmann::json::object();
}

std::vector<pid_t> container_processes(const Engine& engine, const std::string& id) {
  std::vector<pid_t> pids;
  auto top = engine.call("GET", "/containers/" + id + "/top?ps_args=-o%20pid");
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

bool container_main_alive(pid_t main_pid) { return main_pid > 0 && process::innermost_pid(main_pid) == 1; }

SignalResult signal_container(pid_t main_pid, SignalTarget target, int sig) {
  SignalResult result;
  if (main_pid <= 0) return result;
  std::vector<pid_t> targets;
  if (target == SignalTarget::k_group) targets = main_tree(main_pid);
  if ((target == SignalTarget::k_main || target == SignalTarget::k_server) && container_main_alive(main_pid))
    targets = {main_pid};
  if (target == SignalTarget::k_children) targets = process::children_of(main_pid);
  for (const pid_t pid : targets)
    if (process::send_signal(pid, sig)) result.processes.push_back(pid);
  result.delivered = target == SignalTarget::k_children || !result.processes.empty();
  return result;
}

bool set_container_priority(const Engine& engine, const std::string& id, int nice) {
  bool all = true;
  for (const pid_t pid : container_processes(engine, id))
    all = ::setpriority(PRIO_PROCESS, static_cast<id_t>(pid), nice) == 0 && all;
  return all;
}

std::optional<pid_t> container_host_pid(const Engine& engine, const std::string& id, pid_t own_pid) {
  for (const pid_t pid : container_processes(engine, id))
    if (process::innermost_pid(pid) == own_pid) return pid;
  return std::nullopt;
}

std::optional<EngineHealth> running_container_health(const Engine& engine, const std::string& id) {
  const auto state = container_state(engine, id);
  // Docker stops a container's health monitor while it is not running or paused, and sets its status to
  // "unhealthy" then "for compatibility reasons" (moby container/health.go, CloseMonitorChannel), with no probe and
  // no health_status event: not a verdict of its prober, which an orchestrator would act on. Not reported.
  if (!state.value("Running", false) || state.value("Restarting", false) || state.value("Paused", false))
    return std::nullopt;
  return engine_health_from_state(state);
}

process::CommandResult exec_in_container(const Engine& engine, const std::string& id,
                                         const process::SpawnOptions& options, std::chrono::milliseconds timeout) {
  const auto began = std::chrono::steady_clock::now();
  nlohmann::json env = nlohmann::json::array();
  for (const auto& [key, value] : options.environment) env.push_back(key + "=" + value);
  nlohmann::json body = {{"AttachStdout", true}, {"AttachStderr", true}, {"Cmd", options.argv}, {"Env", env}};
  if (!options.working_directory.empty())
    body["WorkingDir"] = std::filesystem::absolute(options.working_directory).string();
  if (options.run_as_user) body["User"] = *options.run_as_user;  // as ChildProcess's switch of user
  auto created = engine.expect_ok("POST", "/containers/" + id + "/exec", body);
  if (!created) return exec_failed(created.error().message());
  const std::string exec_id = created->body.value("Id", "");
  auto started = engine.call("POST", "/exec/" + exec_id + "/start", {{"Detach", false}, {"Tty", false}}, timeout);
  process::CommandResult result;
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
  auto inspected = engine.call("GET", "/exec/" + exec_id + "/json");
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
