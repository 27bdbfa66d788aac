#pragma once
// Docker's own health of a container, as GET /containers/ID/json reports it (.State.Health: Status, FailingStreak,
// Log of the last five probes with Start, End, ExitCode, Output), read into the driver seam's EngineHealth. Pure.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/driver/service.h"

namespace harness::driver::docker {

// Empty when the state has no Health (no HEALTHCHECK, or not started yet).
std::optional<EngineHealth> engine_health_from_state(const nlohmann::json& state);

// Seconds since the epoch of an RFC 3339 time as Docker writes it ("2026-11-28T09:12:19.123456789Z" or with an
// offset "+01:00"); empty when it is not one.
std::optional<double> rfc3339_seconds(const std::string& text);

}  // namespace harness::driver::docker
