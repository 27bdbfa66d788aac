#pragma once
// Shared plumbing of the service kinds' recipes: one main process (a Runtime: a child process under the local
// driver, a container under the docker driver) with its log, the name, stop().
//
// Thread safety: a restart (start() -> spawn()) replaces the runtime while probe threads, faults and the
// orchestrator's monitor read it (exit_status(), main_pid(), stop()). The runtime is held by a shared_ptr behind
// a mutex: readers take a copy under the lock and use it outside, so a replaced one lives until its last
// reader is done, and no lock is held while a stop waits for the exit.
#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "harness/driver/service.h"
#include "harness/driver/local/runtime.h"
#include "harness/process/child_process.h"

namespace harness::driver::local {

class LocalService : public Service {
public:
  LocalService(std::string name, std::string scenario_service, std::filesystem::path log_path)
      : m_name(std::move(name)), m_scenario_service(std::move(scenario_service)), m_log_path(std::move(log_path)) {}

  const std::string& name() const override { return m_name; }
  const std::string& scenario_service() const override { return m_scenario_service; }
  std::filesystem::path log_path() const override { return m_log_path; }
  std::optional<process::ExitStatus> exit_status() const override;
  bool running() const override;
  nlohmann::json identity() const override;           // {"pid": main pid}
  bool set_priority(int nice) const override;              // setpriority(PRIO_PGRP) of the main process's group
  SignalResult signal(SignalTarget target, int sig) override;
  util::Status freeze(bool frozen) override;
  // The main process's host pid (the leader of the instance's process group, or a container's PID 1); empty
  // before the first start. Nothing outside the drivers sees a pid.
  std::optional<pid_t> main_pid() const;
  // What runs the instance from its next start() on (the local driver's process_launcher() by default);
  // `engine_health` set: its runtimes run a health check themselves (use_engine_health_check takes one).
  // `orchestrates`: its runtimes can take restarts and replacements over (use_engine_orchestrator takes them).
  void set_launcher(Launcher launcher, EngineHealthLimits engine_health = nullptr, bool orchestrates = false) {
    m_launcher = std::move(launcher);
    m_engine_health = std::move(engine_health);
    m_orchestrates = orchestrates;
  }
  std::optional<std::string> use_engine_health_check(const EngineHealthCheck& check) override;
  std::optional<EngineHealth> engine_health() const override;
  bool use_engine_restart_policy(const std::string& policy) override;
  int engine_restarts() const override;
  void hold_engine_restarts() override;
  std::vector<EngineEvent> take_engine_events() override;
  bool use_engine_orchestrator(const EngineOrchestration& orchestration) override;
  std::string engine_exit_reason() const override;
  util::Expected<RolloutOutcome> roll_out(const RolloutChange& change, std::chrono::milliseconds timeout) override;
  // The process that does the serving (SignalTarget::k_server): the main process, unless a launcher does not
  // exec it (RabbitMQ's beam.smp). Empty when it is not running.
  virtual std::optional<pid_t> server_pid() const { return main_pid(); }
  void stop(std::chrono::milliseconds grace) override;
  std::string version() const override;

protected:
  // exec in the current runtime (a container's inside under the docker driver); on the machine before the first
  // start.
  process::CommandResult run_in(const process::SpawnOptions& options,
                                std::chrono::milliseconds timeout) const override;
  // A client (Service::spawn_client) through the launcher, as instance "<name>-<client>" of kind "client": a child
  // process under the local driver, a container of the stack's image under the docker driver (its own image, a
  // team's, may lack the fixture client's Python; the stack's has the versions under test).
  util::Expected<std::unique_ptr<Client>> launch_client(const process::SpawnOptions& options, const std::string& client,
                                                        const std::vector<std::filesystem::path>& writes) const override;
  // Starts the main process (through the launcher) with stdout+stderr appended to log_path(); `image`: the
  // instance's own image (Launch::image), empty for the driver's.
  util::Status spawn(process::SpawnOptions options, std::string image = {});
  // The host pid of the running process the instance knows by `own_pid` (a pid file's); empty when none.
  std::optional<pid_t> host_pid(pid_t own_pid) const;
  // "exited with exit code 1" plus the last lines of the log, for a service that died or never became ready.
  std::string failure_detail(const std::string& what) const;
  // failure_detail("exited with STATUS"), with what the runtime adds (Runtime::exit_hint).
  std::string exited_detail(const process::ExitStatus& status) const;
  void set_version(std::string version);
  // Reads the log written since the last spawn (for readiness markers and versions); empty when unreadable.
  std::string read_log() const;
  // The current runtime (null before the first spawn); the copy stays valid across a restart.
  std::shared_ptr<Runtime> runtime() const;

private:
  mutable std::mutex m_runtime_mutex;
  std::shared_ptr<Runtime> m_runtime;
  Launcher m_launcher = process_launcher();
  EngineHealthLimits m_engine_health;
  std::optional<EngineHealthCheck> m_health_check;
  std::string m_restart_policy;  // the engine's (use_engine_restart_policy)
  bool m_orchestrates = false;
  std::optional<EngineOrchestration> m_orchestration;  // the engine's (use_engine_orchestrator)
  std::string m_name;
  std::string m_scenario_service;
  std::filesystem::path m_log_path;
  std::atomic<std::uintmax_t> m_log_offset{0};  // written by a restart, read by readiness polls
  mutable std::mutex m_version_mutex;
  std::string m_version;
};

// A random credential: [a-z0-9]{length}.
std::string random_token(std::size_t length);
// Creates a directory and its missing parents, each 0700 (a service's folder is its own); Status on failure.
util::Status make_dir(const std::filesystem::path& dir);
// Writes a file only its owner can read (0600): configs hold passwords. Make it executable afterwards if needed.
util::Status write_file(const std::filesystem::path& path, const std::string& content);
// Writes an executable (0755) /bin/sh script: "#!/bin/sh\n" + body.
util::Status write_script(const std::filesystem::path& path, const std::string& body);
// "DIR:$PATH" (the harness's PATH, or /usr/bin:/bin without one): a service's own tools first, as in its
// container, for the commands run in its environment.
std::string path_with_first(const std::filesystem::path& dir);

}  // namespace harness::driver::local
