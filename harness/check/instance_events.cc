#include "harness/check/instance_events.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "harness/history/event_type.h"

namespace harness::check {

bool instance_of(const std::string& instance, const std::string& service) {
  if (instance == service) return true;
  if (instance.size() <= service.size() + 1 || instance.compare(0, service.size() + 1, service + ".") != 0)
    return false;
  return std::all_of(instance.begin() + static_cast<long>(service.size()) + 1, instance.end(), ::isdigit);
}

std::string never_started(const std::vector<history::Event>& history, const std::string& service) {
  std::string failure;
  for (const auto& e : history) {
    if (!instance_of(e.service, service)) continue;
    if (history::is(e, history::EventType::k_service_started)) return {};
    if (history::is(e, history::EventType::k_service_failed) && failure.empty())
      failure = e.data.value("detail", std::string{});
  }
  return "'" + service + "' never started" + (failure.empty() ? std::string() : " (" + failure + ")") +
         ": nothing to judge";
}

std::string tenths(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  return buf;
}

}  // namespace harness::check
