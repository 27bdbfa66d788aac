#pragma once
// The policy fault (policy.cc): a RabbitMQ policy put through the management API, read back, and deleted to
// clear. pidbox-reply-expiry is one such policy.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/fault/fault_injector.h"
#include "harness/scenario/kind_params.h"

namespace harness::fault {

struct PolicyParams : scenario::KindParams {
  std::string name;
  std::string pattern;             // a regex over queue names (RabbitMQ's dialect: left to RabbitMQ to check)
  nlohmann::json definition = nlohmann::json::object();
  int priority = 0;
  std::string apply_to = "queues"; // queues | exchanges | all
};

// PUT /api/policies/%2F/NAME, then GET it back (observed); fault.start {kind, policy, pattern, definition,
// priority, observed}. The Clearer deletes it: fault.end {kind, policy, removed}. `kind` names the fault.
util::Expected<std::shared_ptr<Clearer>> apply_policy(const std::string& broker, const PolicyParams& policy,
                                                      const std::string& kind, const stack::Stack& stack,
                                                      history::History& history);

}  // namespace harness::fault
