#pragma once
// Checks on what the orchestrator saw, judged only from the History (a run can be re-judged from its files):
//   health   from health.state / health.probe events
//   restarts from service.restarted events
//   exit     from service.exited events (exits the harness did not cause) and the service's log files
#include <filesystem>
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/model.h"

namespace harness::check {

// True when `instance` ("worker.2", "broker") belongs to scenario service `service`.
bool instance_of(const std::string& instance, const std::string& service);

Verdict judge_health(const scenario::HealthCheckSpec& spec, const std::string& name, const std::string& classname,
                     const std::vector<history::Event>& history);
Verdict judge_restarts(const scenario::RestartsCheck& spec, const std::string& name, const std::string& classname,
                       const std::vector<history::Event>& history);
Verdict judge_exit(const scenario::ExitCheck& spec, const std::string& name, const std::string& classname,
                   const std::vector<history::Event>& history, const std::filesystem::path& logs_dir);

}  // namespace harness::check
