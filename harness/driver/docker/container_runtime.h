#pragma once
// One instance as a container (driver/local/runtime.h's seam): created and started through the Engine API, its
// exit seen by a thread blocked in POST /containers/ID/wait, removed (with its anonymous volumes) when the runtime
// is released, or only stopped when it was made to be kept (--keep).
//
// Signals, execs, health and processes go through container_access.h. SIGSTOP/SIGCONT of k_group included: a paused
// instance is a hung one, as under the local driver, not `docker pause` (the cgroup freezer, freeze()), under which
// Docker stops probing the container's health altogether (moby daemon/health.go: no monitor while paused), so a hung
// worker would never turn unhealthy. stop() SIGTERMs every process and SIGKILLs PID 1 after the grace (PID 1
// ignores a SIGTERM it has no handler for).
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "harness/driver/docker/container_access.h"
#include "harness/driver/docker/container_spec.h"
#include "harness/driver/docker/engine.h"
#include "harness/driver/docker/event_stream.h"
#include "harness/driver/local/runtime.h"

namespace harness::driver::docker {

class ContainerRuntime final : public local::Runtime {
public:
  // Creates and starts the container; k_infrastructure with the engine's message when it cannot (no such image:
  // how to build it).
  static util::Expected<std::shared_ptr<ContainerRuntime>> start(const Engine& engine, const std::string& name,
                                                                 const nlohmann::json& create_body);
  ~ContainerRuntime() override;

  std::optional<process::ExitStatus> exit_status() const override;
  nlohmann::json identity() const override;
  pid_t main_pid() const override { return m_main_pid.load(); }
  // For exit code 127 (a shell's "not found"): " in image IMAGE, which lacks the program its log names (a stack
  // image is built with scripts/images)".
  std::string exit_hint(const process::ExitStatus& status) const override;
  SignalResult signal(SignalTarget target, int sig) override;
  // POST /containers/ID/pause or /unpause: the cgroup freezer, as `docker pause`.
  util::Status freeze(bool frozen) override;
  bool set_priority(int nice) const override;
  void stop(std::chrono::milliseconds grace) override;
  std::optional<pid_t> host_pid(pid_t own_pid) const override;
  // `docker exec`: POST /containers/ID/exec, then /exec/ID/start, whose reply is the multiplexed output until the
  // command ends; its exit code from GET /exec/ID/json. On timeout the command (its host pid) is SIGKILLed.
  process::CommandResult exec(const process::SpawnOptions& options, std::chrono::milliseconds timeout) const override;
  // Docker's own health of the container (its HEALTHCHECK): GET /containers/ID/json's State.Health.
  std::optional<EngineHealth> engine_health() const override;
  // Docker's restarts of this container by its RestartPolicy, as the watcher saw them (exit, then running again
  // with a new PID 1).
  int engine_restarts() const override;
  // POST /containers/ID/update RestartPolicy "no", and a restart Docker has pending is cancelled (POST /stop).
  void hold_engine_restarts() override;
  // What Docker's /events said of the container since the last call (event_stream.h), oldest first.
  std::vector<EngineEvent> take_engine_events() override;
  const std::string& id() const { return m_id; }

private:
  ContainerRuntime(Engine engine, std::string id) : m_engine(std::move(engine)), m_id(std::move(id)) {}
  void watch_exit();
  // After an exit: true once Docker runs the container again (its new PID 1 taken, the exit cleared); false when
  // it will not (no policy, stopped by hand, held) or the container is gone.
  bool await_engine_restart();
  // GET /containers/ID/json's State: an empty object when the engine does not answer or the container is gone.
  nlohmann::json state() const;
  std::vector<pid_t> processes() const;  // host pids of every process in the container
  bool wait_exit(std::chrono::milliseconds timeout) const;
  bool main_alive() const;

  Engine m_engine;
  std::string m_id;
  std::atomic<pid_t> m_main_pid{0};
  bool m_restarts_by_policy = false;  // created with a RestartPolicy other than "no"
  bool m_keep = false;                // created with k_label_keep: stopped, not removed, at the end
  std::atomic<bool> m_held{false};
  int m_engine_restarts = 0;  // under m_mutex
  std::string m_image;
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_exited;
  std::optional<process::ExitStatus> m_exit;
  std::vector<EngineEvent> m_engine_events;  // under m_mutex, not taken yet (at most k_kept_events)
  std::unique_ptr<EventStream> m_events;
  std::thread m_watcher;
};

}  // namespace harness::driver::docker
