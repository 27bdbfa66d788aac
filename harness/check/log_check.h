#pragma once
// `log` check: a service's log contains (or does not contain) a pattern. Reads only the run's files
// (logs/<service>.log, logs/<service>.<replica>.log), so a finished run can be re-judged.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/scenario/kind_params.h"

namespace harness::check {

// `log`: a service's log contains / does not contain a pattern (substring, or ECMAScript regex with regex: true).
struct LogParams : scenario::KindParams {
  std::string service;
  std::optional<std::string> contains;
  std::optional<std::string> not_contains;
  bool regex = false;
};

// The log files of a scenario service in `logs_dir`, sorted (worker -> worker.1.log, worker.2.log).
std::vector<std::filesystem::path> service_logs(const std::filesystem::path& logs_dir, const std::string& service);

Verdict judge_log(const LogParams& check, const std::string& name, const std::string& classname,
                  const std::filesystem::path& logs_dir);

}  // namespace harness::check
