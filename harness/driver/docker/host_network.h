#pragma once
// Whether the engine's host network is this machine's. Every service binds 127.0.0.1 and every client connects
// there (only loopback, never a bridge): a container on `--network host` must share the harness's loopback. A
// Linux engine's does. Docker Desktop runs its engine in a VM, whose "host" network is the VM's unless host
// networking is enabled (Settings > Resources > Network > Enable host networking, Docker Desktop 4.34 and later):
// there the harness proves it first, with a throwaway container that connects to a port it listens on, and gives
// a clear error instead of services that never answer.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/driver/docker/engine.h"
#include "harness/process/child_process.h"
#include "harness/util/status.h"

namespace harness::driver::docker {

// GET /info's OperatingSystem names Docker Desktop (its engine runs in a VM).
bool engine_in_a_vm(const nlohmann::json& info);

// A throwaway container of `image` on the host network connects to 127.0.0.1:`port` (python3 in the image): the
// command's result; exit 0 when it connected.
util::Expected<process::CommandResult> connect_from_container(const Engine& engine, const std::string& image,
                                                              std::uint16_t port);

// A container of `image` on the host network connects to 127.0.0.1:PORT where the harness listens. OK when it
// does; k_infrastructure otherwise: "the Docker engine at unix://S (Docker Desktop ...) does not share this
// machine's loopback: a container on its host network cannot reach 127.0.0.1:PORT, where the harness listens ...".
util::Status check_host_network(const Engine& engine, const std::string& image, const std::string& engine_name);

// engine_in_a_vm() of the engine's /info, and then check_host_network(); OK for a Linux engine (nothing run).
util::Status require_host_network(const Engine& engine, const std::string& image);

}  // namespace harness::driver::docker
