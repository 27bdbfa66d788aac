#pragma once
// `exec` check: judged from the `exec.result` event the runner recorded for it (not from live state).
#include <chrono>
#include <optional>
#include <string>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/kind_params.h"

namespace harness::check {

// `exec`: a command's exit code (and optionally its output).
struct ExecParams : scenario::KindParams {
  std::string command;             // shell (expands placeholders)
  std::string service;             // optional, as ExecStep
  int exit_code = 0;
  std::optional<std::string> output_contains;
  std::chrono::milliseconds timeout{60'000};
};

Verdict judge_exec(const ExecParams& check, const std::string& name, const std::string& classname,
                   const history::Event& result);

}  // namespace harness::check
