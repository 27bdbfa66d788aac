#pragma once
// One instance as a Swarm service of one replica (driver/local/runtime.h's seam, under --driver swarm): created
// through the Engine API (POST /services/create, swarm_spec.h), its tasks followed by a thread that lists them every
// 100 ms (GET /tasks). The instance is the service's current task's container: signals, execs and health go to it
// (container_access.h). Swarm itself restarts an exit and replaces an unhealthy task by the service's RestartPolicy;
// the runtime sees the old task end (exit_status() set, with Swarm's words in exit_reason()) and the new task's
// container start (exit cleared, engine_restarts() one higher), which the Stack records as the engine's restart.
//
// A stop by the harness holds the instance first: a task Swarm starts after it is not adopted, and the service is
// scaled to 0 once the instance has exited, so nothing of it runs until the next start() (a new Swarm service).
// Released, the service is removed and its tasks' containers with it.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "harness/driver/docker/engine.h"
#include "harness/driver/local/runtime.h"

namespace harness::driver::docker {

// Whether a task in Swarm's `state` has ended (complete, shutdown, failed, rejected, remove, orphaned).
bool swarm_task_ended(const std::string& state);

class SwarmRuntime final : public local::Runtime {
public:
  // Creates the service and waits until its first task runs; k_infrastructure with Swarm's own words when the task
  // cannot start (the service is removed then).
  static util::Expected<std::shared_ptr<SwarmRuntime>> start(const Engine& engine, const nlohmann::json& service_spec);
  ~SwarmRuntime() override;

  std::optional<process::ExitStatus> exit_status() const override;
  // {"pid", "container", "swarm_service", "task"}: the current task's.
  nlohmann::json identity() const override;
  pid_t main_pid() const override;
  SignalResult signal(SignalTarget target, int sig) override;
  util::Status freeze(bool frozen) override;  // docker pause of the current task's container
  bool set_priority(int nice) const override;
  void stop(std::chrono::milliseconds grace) override;
  std::optional<pid_t> host_pid(pid_t own_pid) const override;
  process::CommandResult exec(const process::SpawnOptions& options, std::chrono::milliseconds timeout) const override;
  std::optional<EngineHealth> engine_health() const override;
  int engine_restarts() const override;
  void hold_engine_restarts() override;
  std::vector<EngineEvent> take_engine_events() override;
  std::string exit_reason() const override;
  // A Swarm service update (swarm_rollout.cc): while it runs, the task Swarm starts is adopted as the instance as
  // soon as Swarm sees it run (start-first: before the old one is stopped; stop-first: after), and the old task's
  // end is neither an exit nor a restart.
  util::Expected<RolloutOutcome> roll_out(const std::string& instance, const RolloutChange& change,
                                          std::chrono::milliseconds timeout) override;

  const std::string& service_id() const { return m_service; }

private:
  struct Task {
    std::string id;
    std::string container;
    pid_t pid = 0;
    int slot = 0;
  };
  SwarmRuntime(Engine engine, std::string service) : m_engine(std::move(engine)), m_service(std::move(service)) {}
  // The service's tasks (GET /tasks?filters=service); empty when the engine does not answer (a task not listed by an
  // answer is gone).
  std::optional<nlohmann::json> tasks() const;
  // Waits up to `timeout` for the first task to run; the reason it will not otherwise.
  util::Status await_first_task(std::chrono::milliseconds timeout);
  void watch();
  // One look at the tasks: the current one's end, a new one running (adopted unless held).
  void observe(const nlohmann::json& tasks);
  // observe() during a rollout: a new task running is adopted, the old one's end is not an exit. Under m_mutex.
  void observe_rollout(const nlohmann::json& tasks);
  // Waits until the update of a rollout completed, `old_task` ended and a new task was adopted; the outcome's
  // tasks and times, or why not (Swarm paused or rolled back the update, or `timeout`).
  util::Expected<RolloutOutcome> await_rollout(const std::string& instance, RolloutOutcome outcome,
                                               std::chrono::milliseconds timeout);
  void note(EngineEvent event);  // under m_mutex
  Task current() const;
  bool wait_exit(std::chrono::milliseconds timeout) const;
  void scale_to_zero();

  Engine m_engine;
  std::string m_service;
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_changed;
  Task m_task;                                 // under m_mutex
  std::optional<process::ExitStatus> m_exit;  // under m_mutex
  std::string m_exit_reason;                   // under m_mutex
  int m_restarts = 0;                          // under m_mutex
  std::vector<EngineEvent> m_events;           // under m_mutex
  bool m_rolling = false;                      // under m_mutex: a rollout runs
  std::set<std::string> m_retired;             // under m_mutex: tasks a rollout replaced
  std::atomic<bool> m_held{false};
  std::atomic<bool> m_scaled_down{false};
  std::atomic<bool> m_stopping{false};
  std::thread m_watcher;
};

}  // namespace harness::driver::docker
