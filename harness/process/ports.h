#pragma once
// Loopback ports for the services of a run.
#include <chrono>
#include <cstdint>

#include "harness/util/status.h"

namespace harness::process {

// A free port on 127.0.0.1 (bind to port 0, read it, close). Never the same port twice in this process.
util::Expected<std::uint16_t> allocate_port();

// True when something accepts TCP connections on 127.0.0.1:port (connect with a short timeout).
bool is_listening(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::milliseconds{200});

}  // namespace harness::process
