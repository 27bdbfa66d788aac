#pragma once
// {{SERVICE.KEY}} placeholders in scenario strings (commands, URLs, environment values). The table is built
// from the running services' placeholders(): "broker.url", "db.port", "worker.nodes", "worker.1.node", "run.dir".
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/driver/service.h"
#include "harness/util/status.h"

namespace harness::driver {

using PlaceholderTable = std::map<std::string, std::string>;

// Every {{key}} replaced; an unknown key is k_invalid_input: "unknown placeholder {{brokr.url}} (did you mean
// {{broker.url}}?)". Whitespace inside the braces is ignored.
util::Expected<std::string> expand_placeholders(const std::string& text, const PlaceholderTable& table);

// The table for a set of services: per service "<scenario service>.<key>" (the first replica) and
// "<instance name>.<key>", plus "<scenario service>.nodes" joined over replicas. Which keys each kind offers is
// registered once, with the kind (scenario/service_kind.h; the loader checks scenarios against it, a test checks it
// here).
PlaceholderTable placeholder_table(const std::vector<std::unique_ptr<Service>>& services);

}  // namespace harness::driver
