#pragma once
// A TCP port as the services' placeholders write it ("5672"): read once here, for every client that connects to a
// service by its `NAME.port` or `NAME.management_port` placeholder.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "harness/util/status.h"

namespace harness::util {

// A decimal port 1..65535 ("5672"); nullopt for anything else (empty, a sign, spaces, trailing text, 0, 65536).
std::optional<std::uint16_t> parse_port(std::string_view text);

// The port under `key` of a placeholder table; k_invalid_input when the table has no `key` ("no placeholder
// 'broker.port'") or its value is not a port ("placeholder 'broker.port' is not a port: 'x'").
util::Expected<std::uint16_t> port_placeholder(const std::map<std::string, std::string>& table, const std::string& key);

}  // namespace harness::util
