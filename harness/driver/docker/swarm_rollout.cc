// SwarmRuntime's rollout (swarm_runtime.h): the instance's Swarm service updated with a forced new task
// (swarm_rollout_spec), in the order of its UpdateConfig, followed until Swarm says the update completed and the old
// task ended. What Swarm does in each order (moby/swarmkit manager/orchestrator/update/updater.go, updateTask):
//   start-first  the new task is created; once it reaches RUNNING the old task's desired state becomes shutdown. A
//                task with a health check reaches RUNNING only when healthy (moby daemon/cluster/executor/container/
//                controller.go, Start waits for the health_status: healthy event), so old and new run side by side
//                for at least the time the new one takes to become healthy;
//   stop-first   the old task is shut down first and the new one is started once it has stopped (DelayStart with
//                waitStop): a gap.
#include <thread>

#include "harness/driver/docker/container_access.h"
#include "harness/driver/docker/engine_health.h"
#include "harness/driver/docker/own_image.h"
#include "harness/driver/docker/swarm_runtime.h"
#include "harness/driver/docker/swarm_spec.h"

namespace harness::driver::docker {
namespace {
constexpr auto k_poll = std::chrono::milliseconds{100};

double now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The engine's time of a container's start or end (its State.StartedAt / FinishedAt); 0 when unknown.
double container_time(const Engine& engine, const std::string& container, const char* key) {
  if (container.empty()) return 0;
  return rfc3339_seconds(container_state(engine, container).value(key, "")).value_or(0);
}

// Swarm gave the update up: "paused" (its failure action) or a rollback.
bool given_up(const std::string& update_state) {
  return update_state == "paused" || update_state.rfind("rollback", 0) == 0;
}
}  // namespace

util::Expected<RolloutOutcome> SwarmRuntime::roll_out(const std::string& instance, const RolloutChange& change,
                                                      std::chrono::milliseconds timeout) {
  auto inspected = m_engine.expect_ok("GET", "/services/" + m_service);
  if (!inspected) return inspected.error();
  std::optional<std::string> image_id;
  if (change.image) {
    auto image = inspect_image(m_engine, *change.image);
    if (!image) return image.error();
    if (!*image)
      return util::Status::invalid("rollout of '" + instance + "': image " + *change.image +
                                   " is not present in the engine: build or pull it first");
    image_id = (*image)->value("Id", "");
  }
  const nlohmann::json spec = swarm_rollout_spec(inspected->body["Spec"], change, image_id);
  RolloutOutcome outcome;
  outcome.order = spec["UpdateConfig"].value("Order", "stop-first");
  outcome.old_task = current().id;
  {
    std::lock_guard lock(m_mutex);
    if (m_exit) return util::Status::invalid("rollout of '" + instance + "': it does not run");
    m_rolling = true;
  }
  outcome.began_s = now_s();
  const auto version = inspected->body["Version"].value("Index", 0ULL);
  auto updated = m_engine.expect_ok("POST", "/services/" + m_service + "/update?version=" + std::to_string(version),
                                    spec);
  auto result = updated ? await_rollout(instance, outcome, timeout) : util::Expected<RolloutOutcome>(updated.error());
  std::lock_guard lock(m_mutex);
  m_rolling = false;  // what is left (no new task, the old one ended) the watcher now reads as an exit
  return result;
}

util::Expected<RolloutOutcome> SwarmRuntime::await_rollout(const std::string& instance, RolloutOutcome outcome,
                                                           std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string update_state = "not started";
  std::string update_message;
  std::string old_container = current().container;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto service = m_engine.call("GET", "/services/" + m_service); service && service->status == 200) {
      const auto status = service->body.value("UpdateStatus", nlohmann::json::object());
      update_state = status.value("State", update_state);
      update_message = status.value("Message", "");
    }
    if (given_up(update_state))
      return util::Status::infrastructure("rollout of '" + instance + "': Swarm's update " + update_state + ": " +
                                          update_message);
    const auto listed = tasks().value_or(nlohmann::json::array());
    bool old_ended = true;
    double new_running = 0;
    const Task now = current();
    for (const auto& task : listed) {
      const auto& status = task.value("Status", nlohmann::json::object());
      if (task.value("ID", "") == outcome.old_task) old_ended = swarm_task_ended(status.value("State", ""));
      if (task.value("ID", "") == now.id) new_running = rfc3339_seconds(status.value("Timestamp", "")).value_or(0);
    }
    if (update_state == "completed" && old_ended && now.id != outcome.old_task) {
      outcome.new_task = now.id;
      outcome.new_running_s = new_running;
      outcome.new_started_s = container_time(m_engine, now.container, "StartedAt");
      outcome.old_stopped_s = container_time(m_engine, old_container, "FinishedAt");
      std::lock_guard lock(m_mutex);
      note({"task shutdown", {{"task", outcome.old_task}, {"rollout", "old"}}, outcome.old_stopped_s});
      return outcome;
    }
    std::this_thread::sleep_for(k_poll);
  }
  return util::Status::infrastructure("rollout of '" + instance + "' did not complete within " +
                                      std::to_string(timeout.count() / 1000) + " s (Swarm's update: " + update_state +
                                      (update_message.empty() ? "" : ", " + update_message) + ")");
}

}  // namespace harness::driver::docker
