#pragma once
// Runs a scenario command (an `exec` step or check): placeholders expanded, in a service's environment when one
// is named (like `docker exec`: in its first running instance, Service::exec_environment()), bounded by its
// timeout and the run's stop. The result is an `exec.result` History event: {id, command, service, exit_code,
// signal, timed_out, duration_s, output}; when the named service has no running instance the command is not run
// and the event is {id, command, service, no_instance: "service 'worker' has no running instance (...)"}, unless
// a restart of it is pending (Stack::restart_pending): then it runs in the new instance, once that runs, if that
// is within its timeout.
#include <string>

#include "harness/history/history.h"
#include "harness/stack/stack.h"

namespace harness::run {

// The event recorded (or a Status when the command could not be expanded: an unknown placeholder).
util::Expected<history::Event> run_exec(const std::string& id, const std::string& command, const std::string& service,
                               std::chrono::milliseconds timeout, const stack::Stack& stack, history::History& history);

}  // namespace harness::run
