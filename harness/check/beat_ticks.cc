#include "harness/check/beat_ticks.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

namespace harness::check {

namespace {
using Key = std::pair<std::string, std::int64_t>;  // (entry, tick)

struct TickSeen {
  std::size_t executions = 0;
  bool sent = false;
  std::set<std::string> beats;
};

// The missed ticks of one entry with a period: every slot from the first to the last seen that was never seen.
void add_missed(const std::string& entry, std::int64_t period, const std::map<Key, TickSeen>& seen,
                std::vector<std::pair<std::string, std::int64_t>>& missed) {
  const auto first = seen.lower_bound({entry, std::numeric_limits<std::int64_t>::min()});
  const auto last = std::prev(seen.upper_bound({entry, std::numeric_limits<std::int64_t>::max()}));
  for (std::int64_t tick = first->first.second + period; tick < last->first.second; tick += period)
    if (!seen.count({entry, tick})) missed.emplace_back(entry, tick);
}

std::optional<std::string> string_of(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}
}  // namespace

TickAnalysis analyse_ticks(const std::vector<TickSend>& sends, const std::vector<TickExecution>& executions) {
  TickAnalysis out;
  out.sends = sends.size();
  out.executions = executions.size();
  std::map<Key, TickSeen> seen;
  std::map<std::string, std::int64_t> periods;
  for (const auto& send : sends) {
    TickSeen& tick = seen[{send.entry, send.tick}];
    tick.sent = true;
    tick.beats.insert(send.beat);
    if (send.period_ms && *send.period_ms > 0) periods[send.entry] = *send.period_ms;
  }
  for (const auto& execution : executions) ++seen[{execution.entry, execution.tick}].executions;
  out.ticks = seen.size();
  for (const auto& [key, tick] : seen)
    if (tick.executions > 1)
      out.duplicates.push_back({key.first, key.second, tick.executions, {tick.beats.begin(), tick.beats.end()}});
  for (const auto& [entry, period] : periods) add_missed(entry, period, seen, out.missed);
  return out;
}

util::Expected<TickInput> read_ticks(const std::filesystem::path& history, const std::filesystem::path& ledger) {
  TickInput input;
  const auto read = [](const std::filesystem::path& path, bool required, auto&& take) -> util::Status {
    std::ifstream in(path);
    if (!in) {
      if (!required) return util::Status::ok();
      return util::Status::invalid("cannot read " + path.string());
    }
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
      if (line.empty()) continue;
      const auto json = nlohmann::json::parse(line, nullptr, false);
      if (!json.is_object())
        return util::Status::invalid(path.string() + " line " + std::to_string(number) + ": not a JSON object");
      take(json);
    }
    return util::Status::ok();
  };
  auto st = read(history, true, [&](const nlohmann::json& event) {
    if (string_of(event, "type") != "beat.sent" || !event.contains("data")) return;
    const auto& data = event["data"];
    const auto entry = string_of(data, "entry");
    if (!entry || !data.contains("tick") || !data["tick"].is_number_integer()) return;
    TickSend send{*entry, data["tick"].get<std::int64_t>(), std::nullopt, string_of(data, "beat").value_or("")};
    if (data.contains("period_ms") && data["period_ms"].is_number_integer())
      send.period_ms = data["period_ms"].get<std::int64_t>();
    input.sends.push_back(std::move(send));
  });
  if (!st) return st;
  st = read(ledger, false, [&](const nlohmann::json& execution) {
    const auto entry = string_of(execution, "beat_entry");
    if (!entry || !execution.contains("tick") || !execution["tick"].is_number_integer()) return;
    input.executions.push_back({*entry, execution["tick"].get<std::int64_t>(),
                                string_of(execution, "task_id").value_or(""),
                                string_of(execution, "worker").value_or("")});
  });
  if (!st) return st;
  return input;
}

std::string tick_label(const std::string& entry, std::int64_t tick) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%lld.%03lld", static_cast<long long>(tick / 1000),
                static_cast<long long>(tick % 1000));
  return entry + "@" + seconds;
}

}  // namespace harness::check
