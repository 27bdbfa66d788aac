#include "harness/driver/docker/engine_health.h"

#include <cstdio>
#include <ctime>

namespace harness::driver::docker {

std::optional<double> rfc3339_seconds(const std::string& text) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6 || consumed == 0)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  double seconds = static_cast<double>(timegm(&tm));
  std::size_t at = static_cast<std::size_t>(consumed);
  if (at < text.size() && text[at] == '.') {
    double scale = 0.1;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10) seconds += (text[at] - '0') * scale;
  }
  if (at < text.size() && text[at] == 'Z' && at + 1 == text.size()) return seconds;
  int hours = 0, minutes = 0;
  if (at < text.size() && (text[at] == '+' || text[at] == '-') &&
      std::sscanf(text.c_str() + at + 1, "%2d:%2d", &hours, &minutes) == 2 && at + 6 == text.size()) {
    const double offset = hours * 3600.0 + minutes * 60.0;
    return text[at] == '+' ? seconds - offset : seconds + offset;
  }
  return std::nullopt;
}

std::optional<EngineHealth> engine_health_from_state(const nlohmann::json& state) try {
  if (!state.is_object() || !state.contains("Health") || !state["Health"].is_object()) return std::nullopt;
  const auto& health = state["Health"];
  EngineHealth out;
  out.status = health.value("Status", std::string{});
  out.failing_streak = health.value("FailingStreak", 0);
  if (health.contains("Log") && health["Log"].is_array()) {
    for (const auto& entry : health["Log"]) {
      if (!entry.is_object()) continue;
      EngineProbe probe;
      probe.start = entry.value("Start", std::string{});
      probe.exit_code = entry.value("ExitCode", -1);
      probe.output = entry.value("Output", std::string{});
      const auto start = rfc3339_seconds(probe.start);
      const auto end = rfc3339_seconds(entry.value("End", std::string{}));
      if (start && end && *end >= *start) probe.duration_s = *end - *start;
      out.probes.push_back(std::move(probe));
    }
  }
  return out;
} catch (const nlohmann::json::exception&) {  // a field of another type than the Engine API documents
  return std::nullopt;
}

}  // namespace harness::driver::docker
