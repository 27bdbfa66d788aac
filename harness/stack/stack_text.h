#pragma once
// How the Stack writes times and outputs in its console lines (stack.cc, engine_health.cc).
#include <cstdio>
#include <string>

namespace harness::stack {

// The last non-empty line of a command's output.
inline std::string last_line(const std::string& output) {
  const auto end = output.find_last_not_of("\r\n");
  if (end == std::string::npos) return {};
  const auto newline = output.rfind('\n', end);
  const std::size_t from = newline == std::string::npos ? 0 : newline + 1;
  return output.substr(from, end + 1 - from);
}

// "12.3 s"
inline std::string format_seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", s);
  return text;
}

}  // namespace harness::stack
