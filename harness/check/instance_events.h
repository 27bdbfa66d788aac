#pragma once
// What the checks on a service's instances (health, restarts, exit) share: which History events are of a scenario
// service, whether it ever ran, and times as their messages show them.
#include <string>
#include <vector>

#include "harness/history/event.h"

namespace harness::check {

// True when `instance` ("worker.2", "broker") belongs to scenario service `service`.
bool instance_of(const std::string& instance, const std::string& service);

// Why a check on `service` has nothing to judge, or empty: no instance of it ever started (no service.started;
// a spawn failure is a service.failed). "0 restarts" or "no exit" of a service that never ran proves nothing.
std::string never_started(const std::vector<history::Event>& history, const std::string& service);

// A time in seconds as the messages show it: "9.0s".
std::string tenths(double seconds);

}  // namespace harness::check
