#pragma once
// What the swarm driver's integration tests ask the engine (scripts/dockerd's private one): whether it is in a swarm,
// and what of the harness is left on it.
#include <stdexcept>
#include <string>

#include "harness/datastore/http_client.h"
#include "harness/driver/docker/container_spec.h"
#include "harness/driver/docker/engine.h"

namespace test {

inline harness::driver::docker::Engine engine() {
  auto connected = harness::driver::docker::Engine::connect();
  if (!connected) throw std::runtime_error(connected.error().message());
  return *connected;
}

// "inactive", "active", ...: the engine's Swarm.LocalNodeState.
inline std::string swarm_state(const harness::driver::docker::Engine& e) {
  auto info = e.call("GET", "/info");
  return info && info->body.is_object() ? info->body["Swarm"].value("LocalNodeState", "") : "";
}

// What of the harness is on the engine: its services (when in a swarm) and containers.
inline std::size_t harness_objects(const harness::driver::docker::Engine& e) {
  const std::string filter = harness::datastore::url_encode(
      nlohmann::json{{"label", {harness::driver::docker::k_label_run}}}.dump());
  std::size_t count = 0;
  if (auto services = e.call("GET", "/services?filters=" + filter); services && services->body.is_array())
    count += services->body.size();
  if (auto containers = e.call("GET", "/containers/json?all=1&filters=" + filter);
      containers && containers->body.is_array())
    count += containers->body.size();
  return count;
}

}  // namespace test
