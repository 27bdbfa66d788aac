#pragma once
// How a fault observes its effect on the service instead of assuming it (an alarm listed, role:slave, a port
// refusing): bounded polling, never a fixed sleep.
#include <chrono>
#include <cstdint>
#include <functional>

#include "harness/util/clock.h"

namespace harness::fault {

struct PollOutcome {
  bool met = false;                 // `done` held before the deadline
  std::chrono::milliseconds after{0};  // from the first call until it held (or until giving up)
  int polls = 0;                    // how many times `done` was called
};

// Calls `done` at once, then every `interval` until it returns true or `timeout` has passed (a last call is
// made at the deadline). `sleep` waits (tests pass one that advances a ManualClock).
PollOutcome poll_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds interval, const util::Clock& clock,
                       const std::function<void(std::chrono::milliseconds)>& sleep);
// The same with the real clock and std::this_thread::sleep_for.
PollOutcome poll_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds interval = std::chrono::milliseconds{20});

// Whether a TCP connect to 127.0.0.1:port is refused (nothing listens): the observation that a service is down.
// False when it connects, and also when it neither connects nor is refused within `timeout`.
bool port_refuses(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::milliseconds{500});

// A set downtime (`down:` of redis-restart and broker-restart): sleeps until `down` has passed since `since` (when
// the service was seen down), not at all when it has already. False when cancelled (Ctrl-C, the scenario's timeout).
bool hold_down(std::chrono::milliseconds down, std::chrono::steady_clock::time_point since);

// Milliseconds since `since` on the steady clock, for the `took_ms` of fault events.
long long ms_since(std::chrono::steady_clock::time_point since);

}  // namespace harness::fault
