#pragma once
// `exec` check: judged from the `exec.result` event the runner recorded for it (not from live state).
#include <string>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/model.h"

namespace harness::check {

Verdict judge_exec(const scenario::ExecCheck& check, const std::string& name, const std::string& classname,
                   const history::Event& result);

}  // namespace harness::check
