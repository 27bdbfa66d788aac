#pragma once
// `writes` check: judged only from the History. A writer (fixtures/celery/redis_writes.py `verify`, run as an exec
// step) prints one JSON line `{"writes": {"prefix", "acknowledged", "failed", "present", "lost", ...}}`: the writes
// of one client that the server acknowledged, those it refused, and how many of the acknowledged ones the current
// master still holds. The check reads the last such line for its prefix from the `exec.result` events and holds
// the counts to its bounds (a split brain: the old master's acknowledged writes are lost after the heal).
#include <optional>
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/kind_params.h"
#include "harness/scenario/model.h"

namespace harness::check {

struct WritesParams : scenario::KindParams {
  std::string prefix;  // the writer's key prefix (its name)
  std::optional<scenario::CountBound> acknowledged;
  std::optional<scenario::CountBound> failed;
  std::optional<scenario::CountBound> lost;
};

// The last `{"writes": {...}}` object with `prefix` in the exec.result outputs of `history`; nullopt when none.
std::optional<nlohmann::json> last_writes_report(const std::vector<history::Event>& history,
                                                 const std::string& prefix);

Verdict judge_writes(const WritesParams& check, const std::string& name, const std::string& classname,
                     const std::vector<history::Event>& history);

}  // namespace harness::check
