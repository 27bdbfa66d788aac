#pragma once
// Hand-made histories for the tests of the checks on a service's instances (health, restarts, exit).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/history/event.h"

namespace harness::check::testing {

inline history::Event ev(double t, std::string type, std::string service,
                         nlohmann::json data = nlohmann::json::object()) {
  history::Event e;
  e.t = t;
  e.type = std::move(type);
  e.service = std::move(service);
  e.data = std::move(data);
  return e;
}

// A worker that turns unhealthy (a probe times out), is restarted and becomes healthy again; with a state change
// of another service (worker-pg) that no check on `worker` may count.
inline std::vector<history::Event> flapping_worker() {
  return {
      ev(1.0, "service.started", "worker.1", {{"pid", 100}}),
      ev(2.0, "stack.ready", ""),
      ev(2.0, "health.state", "worker.1", {{"state", "starting"}}),
      ev(5.0, "health.state", "worker.1", {{"state", "healthy"}}),
      ev(9.0, "health.probe", "worker.1", {{"exit_code", 1}, {"timed_out", false}, {"state", "healthy"}, {"output", "Error: No nodes replied"}}),
      ev(11.0, "health.probe", "worker.1", {{"exit_code", -1}, {"timed_out", true}, {"state", "unhealthy"}, {"output", ""}}),
      ev(11.0, "health.state", "worker.1", {{"state", "unhealthy"}}),
      ev(12.0, "service.exited", "worker.1", {{"code", 0}, {"signal", 15}, {"describe", "killed by SIGTERM"}}),
      ev(12.1, "service.restarted", "worker.1", {{"reason", "unhealthy after 2 failed probes"}}),
      ev(12.1, "health.state", "worker.1", {{"state", "starting"}}),
      ev(15.0, "health.probe", "worker.1", {{"exit_code", 0}, {"timed_out", false}, {"state", "healthy"}, {"output", "pong"}}),
      ev(15.0, "health.state", "worker.1", {{"state", "healthy"}}),
      ev(18.0, "health.probe", "worker.1", {{"exit_code", 0}, {"timed_out", false}, {"state", "healthy"}, {"output", "pong"}}),
      ev(15.0, "health.state", "worker-pg.1", {{"state", "unhealthy"}}),  // another service: never counted
  };
}

}  // namespace harness::check::testing
