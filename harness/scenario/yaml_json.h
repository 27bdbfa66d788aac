#pragma once
// Any YAML value as JSON, for what the scenario hands on verbatim (a worker's `config:`, a load's args and
// kwargs), typed as YAML 1.2's core schema types it.
#include <optional>
#include <string_view>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

namespace harness::scenario {

class YamlReader;

// Any YAML value as JSON: plain scalars true/false -> bool, integers -> int, floats -> double, null/~ -> null;
// everything else, and every quoted scalar, -> string. Maps and lists recurse (duplicate keys reported).
// Problems are reported through `reader` under the name `key`, and give nullopt: deeper than 64 levels, or
// more than 100,000 values (YAML aliases can make a small file expand exponentially: "billion laughs").
std::optional<nlohmann::json> read_json(YamlReader& reader, const YAML::Node& node, std::string_view key);

}  // namespace harness::scenario
