#pragma once
// One running service instance (a RabbitMQ node, a Redis, a PostgreSQL, one Celery worker replica), as a driver
// runs it. The runner and the checks only use this interface, never a backend's details.
//
// Lifecycle: constructed by a Driver (ports and credentials allocated, nothing started) -> start() (spawns,
// returns at once) -> poll_ready() until Ready or Failed -> stop(). The destructor kills whatever is left.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/process/child_process.h"
#include "harness/util/status.h"

namespace harness::driver {

enum class Readiness { k_not_yet, k_ready, k_failed };

struct ReadyPoll {
  Readiness state = Readiness::k_not_yet;
  std::string detail;  // why not yet / why it failed
};

// What a signal is sent to, within one instance.
enum class SignalTarget {
  k_group,     // every process of the instance (a killed pod, a paused container)
  k_main,      // its main process only (a Celery worker's MainProcess; its pool children are orphaned)
  k_children,  // the main process's children (Celery's pool processes)
  k_server,    // the process that does the serving: RabbitMQ's beam.smp, PostgreSQL's postmaster
};

// What a signal reached. `processes` identifies the processes signalled, for the events (the local driver:
// their pids; the group's leader for k_group).
struct SignalResult {
  bool delivered = false;  // the instance runs and the signal was sent (k_children: to each child there was)
  std::vector<long long> processes;
};

// A health check the engine that runs an instance probes itself (the docker driver: the container's HEALTHCHECK,
// Docker's own prober) instead of the harness's emulation (stack/Stack::probe_loop).
struct EngineHealthCheck {
  std::vector<std::string> argv;  // run inside the instance, in its exec environment (Docker's Test ["CMD", argv...])
  std::chrono::milliseconds interval{30'000};
  std::chrono::milliseconds timeout{30'000};
  std::chrono::milliseconds start_period{0};
  std::chrono::milliseconds start_interval{0};  // 0: the engine's default; Docker needs API 1.44 for it
  int retries = 3;
};

// One probe as the engine recorded it (Docker's .State.Health.Log keeps the last five).
struct EngineProbe {
  std::string start;  // the engine's own timestamp (RFC 3339): identifies the probe
  double duration_s = 0;
  int exit_code = 0;  // Docker: -1 when the probe timed out or could not run
  std::string output;
};

// The engine's view of an instance's health: "starting" | "healthy" | "unhealthy", and its recent probes.
struct EngineHealth {
  std::string status;
  int failing_streak = 0;
  std::vector<EngineProbe> probes;  // oldest first
};

// What the engine that runs an instance reported of it, in its own words (Docker's /events): "die" with
// {"exitCode": "137"}, "kill" with {"signal": "9"}, "oom", "start", "health_status: unhealthy".
struct EngineEvent {
  std::string action;
  std::map<std::string, std::string> attributes;  // exitCode, signal (not the labels, image or name)
  double time_s = 0;                               // when, by the engine (seconds since the epoch)
};

// The orchestration an engine takes over from the harness (the swarm driver: the instance is a Swarm service of one
// replica): it restarts exits and replaces unhealthy instances by its own restart policy (Swarm's RestartPolicy, as
// Compose's `deploy.restart_policy` writes it), and the Stack records what it did instead of deciding it.
struct EngineOrchestration {
  std::string condition = "any";                    // none | on-failure | any
  std::optional<std::chrono::milliseconds> delay;   // absent: the engine's default (Swarm: 5 s)
  std::optional<int> max_attempts;                  // absent: no limit
  std::optional<std::chrono::milliseconds> window;  // absent: 0
  // Swarm's UpdateConfig (Compose's `deploy.update_config`), for a rollout.
  std::string update_order = "stop-first";  // stop-first | start-first
  int update_parallelism = 1;
  std::chrono::milliseconds update_delay{0};
  std::string update_failure_action = "pause";
  std::optional<std::chrono::milliseconds> update_monitor;
};

// A rolling update of an instance its engine orchestrates (the swarm driver: a Swarm service update, as
// `docker service update --force` does, in the order of the service's update_config): what the new task changes.
struct RolloutChange {
  std::optional<std::string> image;             // another image (present on the engine)
  std::map<std::string, std::string> env;       // variables set on top of the instance's
  // The new task's argv instead of the recipe's, run as the recipe's is (its log, its user).
  std::optional<std::vector<std::string>> command;
};

// What the engine did in a rollout: the task it stopped and the one it started, with the engine's times (seconds
// since the epoch) of the old task's container finishing, the new one's starting and Swarm seeing it run (healthy,
// when it has a health check: Swarm stops the old task of a start-first update only then).
struct RolloutOutcome {
  std::string order;  // start-first | stop-first
  std::string old_task;
  std::string new_task;
  double old_stopped_s = 0;
  double new_started_s = 0;
  double new_running_s = 0;
  double began_s = 0;  // the update was asked for
  // > 0: both ran for that long (start-first); < 0: a gap with neither running (stop-first).
  double overlap_s() const { return old_stopped_s - new_started_s; }
};

// What roll_out() is where no engine orchestrates the instance.
inline util::Status no_engine_to_roll_out(const std::string& instance) {
  return util::Status::invalid("rollout of '" + instance + "' needs an engine that orchestrates it: run with "
                               "--driver swarm (the local and docker drivers have no rolling update)");
}

// What freeze() is where no engine runs the instance (the local driver's processes).
inline util::Status no_engine_to_freeze() {
  return util::Status::invalid("freeze needs a container engine (--driver docker): under the local driver use "
                               "pause, a SIGSTOP of the instance's processes");
}

// A client the scenario runs with an instance's software (a load's publisher): started by Service::spawn_client, it
// runs where the instance's software is (a child process on the machine; under the docker driver a container of the
// stack's image, so that it publishes with the stack's Celery and kombu). The destructor kills what is left (bounded).
class Client {
public:
  virtual ~Client() = default;
  // Its exit status once it has exited; empty while it runs.
  virtual std::optional<process::ExitStatus> exit_status() const = 0;
  bool running() const { return !exit_status().has_value(); }
  // SIGTERM, up to `grace` for it to exit, then SIGKILL; returns once it is gone (bounded). Idempotent.
  virtual void stop(std::chrono::milliseconds grace) = 0;
  // Sends `sig` to its main process; false when it does not run.
  virtual bool signal(int sig) = 0;
  // What identifies it in events: {"pid": host pid} on the machine, plus {"container": id} in a container.
  virtual nlohmann::json identity() const = 0;
};

class Service {
public:
  virtual ~Service() = default;

  // "broker", or "worker.1" for replica 1 of service "worker".
  virtual const std::string& name() const = 0;
  // The scenario service it belongs to ("worker" for "worker.1").
  virtual const std::string& scenario_service() const = 0;
  virtual std::string kind() const = 0;

  // Spawns the process(es) and returns without waiting for readiness.
  virtual util::Status start() = 0;
  // One readiness probe: cheap, bounded (< ~2 s). Returns k_failed at once when the process has exited.
  virtual ReadyPoll poll_ready() = 0;
  // What poll_ready() waits for, in words, for a wait that takes long: "an AMQP handshake on 127.0.0.1:5672 gets
  // Connection.Start".
  virtual std::string readiness_condition() const { return "its readiness probe succeeds"; }
  // Graceful where the service has a cheap graceful stop, then SIGKILL after `grace`. Idempotent.
  virtual void stop(std::chrono::milliseconds grace) = 0;
  // How long a stop at the end of a run may take to be clean. The run's data is discarded then, so the default
  // is none (SIGKILL to the group, as `docker rm -f`); a service that would leave something behind outside its
  // data dir when killed says how long its own shutdown needs.
  virtual std::chrono::milliseconds teardown_grace() const { return std::chrono::milliseconds{0}; }
  // The exit status of the service's main process once it has exited (empty while running or never started).
  virtual std::optional<process::ExitStatus> exit_status() const = 0;
  // Started and its main process not exited.
  virtual bool running() const = 0;
  // What identifies the running instance in service.* events: {"pid": 1234} for a local process; empty when it
  // is not running.
  virtual nlohmann::json identity() const = 0;
  // Lowers (or restores) the CPU priority of the instance's processes to `nice`, as setpriority(PRIO_PGRP):
  // what the instance starts later inherits it. False when it does not run or the driver cannot.
  virtual bool set_priority(int nice) const {
    (void)nice;
    return false;
  }

  // Hands the health check to the engine that runs the instance, from its next start() on. Empty when the harness
  // must probe (the local driver: no engine); else what the engine cannot honour of it, in words (empty when
  // nothing: "start_interval needs Docker API 1.44 ..."). Before start().
  virtual std::optional<std::string> use_engine_health_check(const EngineHealthCheck& check) {
    (void)check;
    return std::nullopt;
  }
  // Hands the restart policy (no | on-failure | always | unless-stopped) to the engine that runs the instance, from
  // its next start() on (the docker driver: the container's RestartPolicy, Docker's own delays). False when the
  // harness must restart it (the local driver). Before start().
  virtual bool use_engine_restart_policy(const std::string& policy) {
    (void)policy;
    return false;
  }
  // Hands restarts and the replacement of an unhealthy instance to the engine that runs it, from its next start() on
  // (the swarm driver: a Swarm service). False when the harness orchestrates (the local and docker drivers). Before
  // start(). The engine's restarts are then counted by engine_restarts() as a restart policy's are.
  virtual bool use_engine_orchestrator(const EngineOrchestration& orchestration) {
    (void)orchestration;
    return false;
  }
  // Why the engine ended the instance's last run, in its own words (Swarm's task error: "task: non-zero exit (137):
  // dockerexec: unhealthy container"); empty when it said nothing or does not orchestrate.
  virtual std::string engine_exit_reason() const { return {}; }
  // How many times the engine has restarted the current instance by its restart policy (0 without one). Between an
  // exit and the engine's restart, exit_status() is set; once it runs again it is empty and this count is higher.
  virtual int engine_restarts() const { return 0; }
  // Stops the engine from restarting the instance by its policy (before a stop the harness does: a fault's, the
  // orchestrator's replacement, the end of the run), as a manual `docker stop` does. Its next start() has the policy
  // again.
  virtual void hold_engine_restarts() {}
  // Rolls the instance out to a new task with `change` (the swarm driver: a Swarm service update in its
  // update_config's order) and waits up to `timeout` until the update completed and the old task ended. The instance
  // is the new task from then on; the change of tasks is neither an exit nor a restart. k_invalid_input where no
  // engine orchestrates it (no_engine_to_roll_out), k_infrastructure with the engine's words when it fails.
  virtual util::Expected<RolloutOutcome> roll_out(const RolloutChange& change, std::chrono::milliseconds timeout) {
    (void)change;
    (void)timeout;
    return no_engine_to_roll_out(name());
  }
  // What the engine reports of the running instance's health (empty when it has no engine health check, does not
  // run, or the engine did not answer).
  virtual std::optional<EngineHealth> engine_health() const { return std::nullopt; }
  // What the engine reported of the instance since the last call, oldest first (empty without an engine).
  virtual std::vector<EngineEvent> take_engine_events() { return {}; }

  // Values scenarios can use as {{NAME.KEY}}: host, port, url, user, password, ...
  virtual std::map<std::string, std::string> placeholders() const = 0;
  // The environment a command run "in" this service gets (exec with `service:`, its health probes), set on top
  // of the harness's: what the service's own processes see, with its tools first on PATH (as `docker exec`).
  virtual std::map<std::string, std::string> exec_environment() const { return {}; }
  virtual std::filesystem::path exec_working_directory() const { return {}; }
  // Runs `options.argv` "in" this instance (exec steps and checks with `service:`, health probes, loads), bounded by
  // `timeout`, as `docker exec` would: with exec_environment() and exec_working_directory() under `options`'
  // own environment entries. Where it runs is run_in's: the machine, or inside the container (docker driver).
  process::CommandResult exec(process::SpawnOptions options, std::chrono::milliseconds timeout) const {
    return run_in(in_exec_environment(std::move(options)), timeout);
  }

  // Starts `options.argv` as a client named `client` (a load's name) with this instance's software, in the background:
  // prepared as exec() prepares a command (exec_environment(), exec_working_directory()), its output appended to
  // `options.log_file`. Where it runs is launch_client's: on the machine, or in a container of the stack's image
  // (docker driver), which can write to `writes` (folders of the report) and the run's logs. k_infrastructure when
  // it cannot be started.
  util::Expected<std::unique_ptr<Client>> spawn_client(process::SpawnOptions options, const std::string& client,
                                                       const std::vector<std::filesystem::path>& writes) const {
    return launch_client(in_exec_environment(std::move(options)), client, writes);
  }

  // The loopback ports it listens on (for the report and for the tests that assert none is left open).
  virtual std::vector<std::uint16_t> ports() const { return {}; }

  virtual std::filesystem::path log_path() const = 0;
  // The version the service reported (empty until known).
  virtual std::string version() const = 0;

  // --- What faults (harness/fault) need beyond the placeholders; the defaults mean "this service has none" ---
  // Sends `sig` to `target` of this instance (pause: SIGSTOP/SIGCONT to the group; kill; the stop of a fault
  // that stops the server itself). Not delivered when the instance does not run.
  virtual SignalResult signal(SignalTarget target, int sig) = 0;
  // Freezes (true) or thaws (false) every process of the running instance in its cgroup, as `docker pause` does:
  // unlike a SIGSTOP, the engine sees it paused (Docker stops probing its health and refuses execs in it).
  // k_invalid_input where there is no engine to ask (the local driver).
  virtual util::Status freeze(bool frozen) {
    (void)frozen;
    return no_engine_to_freeze();
  }
  // Runs the service's own control tool against this instance, bounded by `timeout`: RabbitMQ's rabbitmqctl
  // ARGS with the node's private environment (HOME and cookie, epmd port). k_invalid_input when it has none.
  virtual util::Expected<process::CommandResult> control(const std::vector<std::string>& args,
                                                         std::chrono::milliseconds timeout) const {
    (void)args;
    (void)timeout;
    return util::Status::invalid("service '" + name() + "' has no control tool");
  }
  // A libpq conninfo that reaches database `dbname` as the superuser (PostgreSQL); empty for other services.
  virtual std::string admin_conninfo(const std::string& dbname) const {
    (void)dbname;
    return {};
  }

protected:
  // `options` as a command run "in" this instance gets them: exec_environment() under its own entries, and
  // exec_working_directory() unless it names one (exec() and spawn_client()).
  process::SpawnOptions in_exec_environment(process::SpawnOptions options) const {
    auto environment = exec_environment();
    for (auto& [key, value] : options.environment) environment[key] = value;
    options.environment = std::move(environment);
    if (options.working_directory.empty()) options.working_directory = exec_working_directory();
    return options;
  }
  // Runs the command exec() prepared (environment and working directory already merged): on the machine here.
  virtual process::CommandResult run_in(const process::SpawnOptions& options, std::chrono::milliseconds timeout) const {
    return process::run_command(options, timeout);
  }
  // Starts the client spawn_client() prepared: a child process of the harness here, as the local driver's launcher
  // starts one (driver/client.cc).
  virtual util::Expected<std::unique_ptr<Client>> launch_client(const process::SpawnOptions& options,
                                                                const std::string& client,
                                                                const std::vector<std::filesystem::path>& writes) const;
};

}  // namespace harness::driver
