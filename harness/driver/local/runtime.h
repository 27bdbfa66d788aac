#pragma once
// Where one started instance's processes run: the seam between a service kind's recipe (driver/local/*_service:
// its command line, environment, config files, readiness) and what runs it. The local driver runs the command as a
// child process of the harness (ProcessRuntime); the docker driver runs the same command in a container on the
// host network, with the run's folders bind-mounted at the same paths (driver/docker/container_runtime.h). A
// service kind is written once and runs under both.
//
// Pids are host pids: a runtime translates what a service knows by its own pid (a pid file written inside a
// container's PID namespace) with host_pid().
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/driver/service.h"
#include "harness/process/child_process.h"
#include "harness/util/status.h"

namespace harness::driver::local {

class Runtime {
public:
  virtual ~Runtime() = default;  // kills whatever is left of the instance (bounded)
  // The main process's exit status once it has exited; empty while it runs.
  virtual std::optional<process::ExitStatus> exit_status() const = 0;
  bool running() const { return !exit_status().has_value(); }
  // {"pid": host pid of the main process}, plus what the runtime adds ({"container": id}).
  virtual nlohmann::json identity() const = 0;
  // The main process's host pid (a container's PID 1).
  virtual pid_t main_pid() const = 0;
  // k_group, k_main, k_children; k_server is the service's to resolve (LocalService::server_pid).
  virtual SignalResult signal(SignalTarget target, int sig) = 0;
  // Service::freeze: the engine's pause of the instance; a process has no engine to ask.
  virtual util::Status freeze(bool frozen) {
    (void)frozen;
    return no_engine_to_freeze();
  }
  virtual bool set_priority(int nice) const = 0;
  // SIGTERM to every process of the instance, up to `grace` for the main one to exit, then SIGKILL; returns once
  // the instance's processes are gone (bounded).
  virtual void stop(std::chrono::milliseconds grace) = 0;
  // The host pid of the process this instance knows as `own_pid` (in its own PID namespace); empty when no
  // running process of the instance has it.
  virtual std::optional<pid_t> host_pid(pid_t own_pid) const = 0;
  // What to add to "exited with exit code N" (the docker driver: which image lacks a program, for 127); empty here.
  virtual std::string exit_hint(const process::ExitStatus& status) const {
    (void)status;
    return {};
  }
  // Runs a command where the instance runs (Service::exec): on the machine for a process, inside the container.
  virtual process::CommandResult exec(const process::SpawnOptions& options, std::chrono::milliseconds timeout) const {
    return process::run_command(options, timeout);
  }
  // The engine's health of the instance when it was launched with a health check (Launch::healthcheck); empty for a
  // process, which has no engine.
  virtual std::optional<EngineHealth> engine_health() const { return std::nullopt; }
  // Restarts by the engine's own restart policy (Launch::restart_policy; Service::engine_restarts) and holding them.
  virtual int engine_restarts() const { return 0; }
  virtual void hold_engine_restarts() {}
  // What the engine reported of the instance since the last call (Service::take_engine_events).
  virtual std::vector<EngineEvent> take_engine_events() { return {}; }
  // Why the engine ended the last run (Service::engine_exit_reason); empty here.
  virtual std::string exit_reason() const { return {}; }
  // A rolling update by the engine (Service::roll_out); `instance` names it in the error where there is none.
  virtual util::Expected<RolloutOutcome> roll_out(const std::string& instance, const RolloutChange& change,
                                                  std::chrono::milliseconds timeout) {
    (void)change;
    (void)timeout;
    return no_engine_to_roll_out(instance);
  }
};

// What the instance runs: `options` as process::ChildProcess::spawn takes them (argv, environment, working
// directory, log file, user), plus the instance's name and kind (a container's name and labels), and the image
// the scenario gives it as its own (a team's worker image, scenario::own_image): a container runtime runs that
// image instead of its stack's; the local driver runs the command on the machine whatever the image.
struct Launch {
  process::SpawnOptions options;
  std::string instance;
  std::string kind;
  std::string image{};
  // A health check for the engine to run (Service::use_engine_health_check): only a launcher that can is given one.
  std::optional<EngineHealthCheck> healthcheck{};
  // A restart policy for the engine to apply (Service::use_engine_restart_policy); empty: none ("no").
  std::string restart_policy{};
  // Set when the engine orchestrates the instance (Service::use_engine_orchestrator): only a launcher that can is
  // given one.
  std::optional<EngineOrchestration> orchestration{};
  // Folders beyond the run's that the command writes to (a client's output in the report): a container gets them
  // mounted at the same paths.
  std::vector<std::filesystem::path> writes{};
};

// What an engine cannot honour of a health check, in words; empty when nothing (Service::use_engine_health_check).
using EngineHealthLimits = std::function<std::string(const EngineHealthCheck& check)>;

// Starts one instance; k_infrastructure when it cannot (binary missing, engine unreachable).
using Launcher = std::function<util::Expected<std::shared_ptr<Runtime>>(const Launch& launch)>;

// The local driver's launcher: a child process in its own process group.
Launcher process_launcher();

// A client (Service::spawn_client) started by `launcher` as instance `instance` ("<instance>-<load>") of kind
// "client", with `writes` mounted where it runs in a container (driver/client.cc).
util::Expected<std::unique_ptr<Client>> launch_client(const Launcher& launcher, const process::SpawnOptions& options,
                                                      std::string instance,
                                                      const std::vector<std::filesystem::path>& writes);

}  // namespace harness::driver::local
