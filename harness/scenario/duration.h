#pragma once
// Durations in Docker Compose syntax: a sequence of decimal numbers, each with a unit, largest unit first:
// "500ms", "10s", "1m30s", "1.5s", "2h", "250us". Units: h, m, s, ms, us.
//
// Deliberate differences from Compose (and Go's time.ParseDuration):
//  - a bare number ("30") is rejected: the unit is never guessed. (The scenario loader reads a YAML *integer*
//    for a duration key as seconds, like Kubernetes' *Seconds keys; that happens before this parser.)
//  - negative durations are rejected, and units must come in descending order, each at most once.
//  - the resolution is 1ms: sub-millisecond parts are truncated, and a non-zero duration under 1ms is rejected
//    rather than silently becoming 0.
#include <string>
#include <string_view>

#include "harness/scenario/model.h"
#include "harness/util/status.h"

namespace harness::scenario {

// Error: Status::invalid with a message naming the problem, e.g. "unknown unit 'x' in duration '10x'".
util::Expected<Millis> parse_duration(std::string_view text);

// The shortest form parse_duration() reads back to the same value: "1m30s", "500ms", "1h5s", "0s".
// Negative values get a leading '-' (for messages only; parse_duration rejects them).
std::string format_duration(Millis d);

}  // namespace harness::scenario
