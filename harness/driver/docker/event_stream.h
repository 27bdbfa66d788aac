#pragma once
// Docker's /events for one container, followed as they come (GET /events?filters={"container":[ID]}, a chunked
// stream of one JSON object per line, decoded as it arrives) on a thread of its own, until stop(). What the engine
// itself says happened to the container: start, die (with its exitCode), kill (with its signal), oom, stop,
// restart, health_status: healthy|unhealthy. The container runtime keeps them for the History (`engine.event`),
// beside what the harness derives (service.exited, health.state).
//
// The stream starts at `since` (seconds since the epoch; the engine runs on this machine, on its clock): Docker
// replays what it still holds from then (its last 256 events), so a start that happens before the subscription
// is registered is not missed. Only the container's life is kept (the actions above, and pause/unpause): not its
// create, destroy, attach or resize, and not the execs the harness runs in it (health probes, exec steps).
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/driver/docker/engine.h"
#include "harness/driver/service.h"

namespace harness::driver::docker {

// One line of the stream as an EngineEvent; nullopt for what is not a container event of interest (an exec's, a
// create, a line that is not JSON).
std::optional<EngineEvent> parse_engine_event(std::string_view line);

class EventStream {
public:
  using OnEvent = std::function<void(EngineEvent)>;
  // Subscribes and starts following; `on_event` runs on the stream's thread. k_infrastructure when the engine's
  // socket cannot be reached.
  static util::Expected<std::unique_ptr<EventStream>> follow(const Engine& engine, const std::string& container_id,
                                                             double since, OnEvent on_event);
  ~EventStream();  // stop()
  // Ends the stream (closes its connection) and joins the thread; idempotent.
  void stop();

  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

private:
  struct State;
  explicit EventStream(std::shared_ptr<State> state);
  std::shared_ptr<State> m_state;
  std::thread m_thread;
};

}  // namespace harness::driver::docker
