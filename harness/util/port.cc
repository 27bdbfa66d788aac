#include "harness/util/port.h"

#include <charconv>

namespace harness::util {

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;  // from_chars takes no '+'
  const auto [rest, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc{} || rest != end || value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

util::Expected<std::uint16_t> port_placeholder(const std::map<std::string, std::string>& table, const std::string& key) {
  const auto it = table.find(key);
  if (it == table.end()) return util::Status::invalid("no placeholder '" + key + "'");
  if (auto port = parse_port(it->second)) return *port;
  return util::Status::invalid("placeholder '" + key + "' is not a port: '" + it->second + "'");
}

}  // namespace harness::util
