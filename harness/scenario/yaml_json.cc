#include "harness/scenario/yaml_json.h"

#include <cmath>
#include <cstdlib>
#include <regex>

#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

namespace {

constexpr int k_max_json_depth = 64;
// Values a `config:` may expand to: YAML aliases can make a small file expand exponentially ("billion laughs").
constexpr int k_max_json_values = 100'000;

std::optional<nlohmann::json> plain_scalar_to_json(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return nlohmann::json(true);
  if (s == "false" || s == "False" || s == "FALSE") return nlohmann::json(false);
  static const std::regex k_int(R"([-+]?[0-9]+)");
  static const std::regex k_float(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(s, k_int)) {
    const std::string_view digits = s.front() == '+' ? std::string_view(s).substr(1) : std::string_view(s);
    if (auto i = parse_integer<std::int64_t>(digits)) return nlohmann::json(*i);
    if (auto u = parse_integer<std::uint64_t>(digits)) return nlohmann::json(*u);
  }
  if (std::regex_match(s, k_float)) {
    const double value = std::strtod(s.c_str(), nullptr);
    if (std::isfinite(value)) return nlohmann::json(value);  // JSON has no infinity: "1e999" stays a string
  }
  return std::nullopt;
}

std::optional<nlohmann::json> to_json(YamlReader& reader, const YAML::Node& node, std::string_view key, int depth,
                                      int& values_left) {
  if (depth > k_max_json_depth) {
    reader.error(reader.location(node),
                 quote(key) + " is nested too deeply (more than " + std::to_string(k_max_json_depth) + " levels)");
    return std::nullopt;
  }
  if (--values_left < 0) {
    if (values_left == -1)  // once
      reader.error(reader.location(node),
                   quote(key) + " is too large (more than " + std::to_string(k_max_json_values) + " values)");
    return std::nullopt;
  }
  if (node.IsNull()) return nlohmann::json(nullptr);
  if (node.IsScalar()) {
    if (is_plain_scalar(node))
      if (auto value = plain_scalar_to_json(node.Scalar())) return value;
    return nlohmann::json(node.Scalar());
  }
  bool ok = true;
  if (node.IsSequence()) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& item : node) {
      auto value = to_json(reader, item, key, depth + 1, values_left);
      if (value)
        array.push_back(std::move(*value));
      else
        ok = false;
    }
    return ok ? std::optional(std::move(array)) : std::nullopt;
  }
  MapView map(reader, node);
  nlohmann::json object = nlohmann::json::object();
  for (const auto& entry : map.entries()) {
    auto value = to_json(reader, entry.value, key, depth + 1, values_left);
    if (value)
      object[entry.key] = std::move(*value);
    else
      ok = false;
  }
  return ok ? std::optional(std::move(object)) : std::nullopt;
}

}  // namespace

std::optional<nlohmann::json> read_json(YamlReader& reader, const YAML::Node& node, std::string_view key) {
  int values_left = k_max_json_values;
  return to_json(reader, node, key, 0, values_left);
}

}  // namespace harness::scenario
