#include "harness/scenario/placeholder_keys.h"

#include <algorithm>
#include <set>

#include "harness/scenario/service_kind.h"

namespace harness::scenario {

namespace {

const std::vector<std::string> k_run_keys{"run.dir", "run.id", "run.fixtures", "run.logs"};

std::string trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return std::string(s.substr(begin, s.find_last_not_of(" \t") - begin + 1));
}

}  // namespace

std::vector<PlaceholderUse> find_placeholders(std::string_view text) {
  std::vector<PlaceholderUse> uses;
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    uses.push_back(PlaceholderUse{open, close + 2 - open, trim(text.substr(open + 2, close - open - 2))});
    pos = close + 2;
  }
  return uses;
}

std::vector<std::string> placeholder_keys(const Scenario& scenario, PlaceholderScope scope) {
  std::set<std::string> keys(k_run_keys.begin(), k_run_keys.end());
  for (const auto& service : scenario.services) {
    const ServiceKindInfo* kind = find_service_kind(service.kind);
    if (!kind || !kind->instances || (scope == PlaceholderScope::k_worker_setup && !kind->data)) continue;
    for (const auto& instance : kind->instances(service)) {
      for (const auto& key : instance.keys) {
        keys.insert(service.name + "." + key);  // the first instance's value; every instance's keys
        if (instance.name != service.name) keys.insert(instance.name + "." + key);
        if (key == "node") keys.insert(service.name + ".nodes");
      }
    }
  }
  return {keys.begin(), keys.end()};
}

}  // namespace harness::scenario
