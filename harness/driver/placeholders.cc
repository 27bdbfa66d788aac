#include "harness/driver/placeholders.h"

#include <algorithm>

#include "harness/scenario/placeholder_keys.h"

namespace harness::driver {

namespace {
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}
}  // namespace

util::Expected<std::string> expand_placeholders(const std::string& text, const PlaceholderTable& table) {
  // The same reading of "{{...}}" as the loader's check (scenario::find_placeholders), so what it passed expands.
  std::string out;
  size_t pos = 0;
  for (const auto& use : scenario::find_placeholders(text)) {
    out.append(text, pos, use.offset - pos);
    const std::string& key = use.key;
    auto it = table.find(key);
    if (it == table.end()) {
      std::string best;
      size_t best_distance = 3;
      for (const auto& [candidate, value] : table) {
        const size_t d = edit_distance(key, candidate);
        if (d < best_distance) {
          best_distance = d;
          best = candidate;
        }
      }
      std::string message = "unknown placeholder {{" + key + "}}";
      if (!best.empty()) message += " (did you mean {{" + best + "}}?)";
      return util::Status::invalid(message);
    }
    out += it->second;
    pos = use.offset + use.length;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

PlaceholderTable placeholder_table(const std::vector<std::unique_ptr<Service>>& services) {
  PlaceholderTable table;
  std::map<std::string, std::vector<std::string>> nodes;
  for (const auto& service : services) {
    for (const auto& [key, value] : service->placeholders()) {
      table.emplace(service->scenario_service() + "." + key, value);  // first replica wins
      if (service->name() != service->scenario_service()) table[service->name() + "." + key] = value;
      if (key == "node") nodes[service->scenario_service()].push_back(value);
      // The service's own address, which client routing (client_routing.h) never turns to a proxy.
      if (key == "port" || key == "url") {
        table.emplace(service->scenario_service() + ".direct_" + key, value);
        if (service->name() != service->scenario_service()) table[service->name() + ".direct_" + key] = value;
      }
    }
  }
  for (const auto& [service, list] : nodes) {
    std::string joined;
    for (const auto& n : list) joined += (joined.empty() ? "" : " ") + n;
    table[service + ".nodes"] = joined;
  }
  return table;
}

}  // namespace harness::driver
