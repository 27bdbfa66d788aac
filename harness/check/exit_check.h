#pragma once
// `exit` check: judged from the History (service.exited events: exits the harness did not cause) and the
// service's log files, so a finished run can be re-judged from its files.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/kind_params.h"

namespace harness::check {

// `exit`: an instance of the service exited by itself (not stopped by the harness), optionally with `code`, and
// its log contains `log`.
struct ExitParams : scenario::KindParams {
  std::string service;
  std::optional<int> code;
  std::optional<std::string> log;
};

Verdict judge_exit(const ExitParams& spec, const std::string& name, const std::string& classname,
                   const std::vector<history::Event>& history, const std::filesystem::path& logs_dir);

}  // namespace harness::check
