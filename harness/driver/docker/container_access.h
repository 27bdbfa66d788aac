#pragma once
// What the harness does to one running container, whoever runs it: a container of its own (container_runtime.h) or a
// Swarm task's (swarm_runtime.h). Each call names the container by id and its PID 1 by host pid; none keeps state.
//
// Signals go to host pids, as root: a container's processes are host processes in their own PID namespace.
// - k_main is the container's PID 1 (the recipe's main process: the wrapper execs it); SIGKILL to it takes the
//   whole namespace down, and Docker sees a crash (not a `docker kill`, which it treats as a manual stop).
// - k_group is the main process and its descendants, as a local process group: not what runs beside them through
//   the exec API (a health probe in flight, an exec step), which a pause must not freeze.
// - PID 1 of a namespace ignores signals it has no handler for, even from the host (SIGKILL and SIGSTOP excepted).
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/driver/docker/engine.h"
#include "harness/driver/service.h"
#include "harness/process/child_process.h"

namespace harness::driver::docker {

// GET /containers/ID/json's State: an empty object when the engine does not answer or the container is gone.
nlohmann::json container_state(const Engine& engine, const std::string& id);
// Host pids of every process in the container (GET /containers/ID/top).
std::vector<pid_t> container_processes(const Engine& engine, const std::string& id);
// `main_pid` is still a PID 1 (a pid freed by an exit and reused by a host process is not PID 1 of a namespace).
bool container_main_alive(pid_t main_pid);
// `target` of the container whose PID 1 is `main_pid` (k_server: PID 1, the recipe's main process).
SignalResult signal_container(pid_t main_pid, SignalTarget target, int sig);
bool set_container_priority(const Engine& engine, const std::string& id, int nice);
// The host pid of the container's process that its namespace knows as `own_pid`.
std::optional<pid_t> container_host_pid(const Engine& engine, const std::string& id, pid_t own_pid);
// `docker exec`: POST /containers/ID/exec, then /exec/ID/start, whose reply is the multiplexed output until the
// command ends; its exit code from GET /exec/ID/json. On timeout the command (its host pid) is SIGKILLed.
process::CommandResult exec_in_container(const Engine& engine, const std::string& id,
                                         const process::SpawnOptions& options, std::chrono::milliseconds timeout);
// Docker's own health of a running container (its HEALTHCHECK); empty when it does not run, is paused or has none.
std::optional<EngineHealth> running_container_health(const Engine& engine, const std::string& id);
// A Docker exit code as an ExitStatus: 128+N for a main process killed by signal N (Docker reports no more than
// the code), the code otherwise.
process::ExitStatus exit_status_from_code(int code);

}  // namespace harness::driver::docker
