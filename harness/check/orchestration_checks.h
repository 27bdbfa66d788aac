#pragma once
// Checks on what the orchestrator saw, judged only from the History (a run can be re-judged from its files):
//   health   from health.state / health.probe events
//   restarts from service.restarted events
//   exit     from service.exited events (exits the harness did not cause) and the service's log files
#include <filesystem>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/kind_params.h"
#include "harness/scenario/model.h"

namespace harness::check {

// `health`: judged from health.state events of the service's instances (Docker states).
//   {service, state: unhealthy, within: 25s}  some instance reaches `state` within `within` of the stack being ready
//   {service, never: unhealthy}               no instance is ever in that state
//   {service, always: healthy}                from the first time an instance is in that state, it stays there
struct HealthParams : scenario::KindParams {
  std::string service;
  std::string state;               // with `within`
  std::optional<std::chrono::milliseconds> within;
  std::string never;               // "healthy" | "unhealthy" | "starting"
  std::string always;
  // `after: fault`: judged from the first fault.start on (states before it do not count, `within` counts from
  // it); the default, `after: ready`, from stack.ready.
  bool after_fault = false;
};

// `restarts`: how many times the orchestrator restarted the service's instances (service.restarted events).
struct RestartsParams : scenario::KindParams {
  std::string service;
  std::optional<int> min;
  std::optional<int> max;
};

// `exit`: an instance of the service exited by itself (not stopped by the harness), optionally with `code`, and
// its log contains `log`.
struct ExitParams : scenario::KindParams {
  std::string service;
  std::optional<int> code;
  std::optional<std::string> log;
};


// True when `instance` ("worker.2", "broker") belongs to scenario service `service`.
bool instance_of(const std::string& instance, const std::string& service);

Verdict judge_health(const HealthParams& spec, const std::string& name, const std::string& classname,
                     const std::vector<history::Event>& history);
Verdict judge_restarts(const RestartsParams& spec, const std::string& name, const std::string& classname,
                       const std::vector<history::Event>& history);
Verdict judge_exit(const ExitParams& spec, const std::string& name, const std::string& classname,
                   const std::vector<history::Event>& history, const std::filesystem::path& logs_dir);

}  // namespace harness::check
