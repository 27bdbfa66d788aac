// YAML values as JSON, typed as the YAML core schema types plain scalars.
#include "harness/scenario/yaml_json.h"

#include <gtest/gtest.h>

#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {
namespace {

struct Converted {
  std::optional<nlohmann::json> json;
  std::vector<std::string> diagnostics;
};

Converted convert(const std::string& yaml) {
  YamlReader reader("test.yaml");
  Converted out;
  out.json = read_json(reader, YAML::Load(yaml), "config");
  for (const auto& diagnostic : reader.take_diagnostics()) out.diagnostics.push_back(diagnostic.to_string());
  return out;
}

TEST(YamlJsonTest, plain_scalars_become_typed_values) {
  const auto out = convert("{a: true, b: False, c: 12, d: -3, e: 1.5, f: .5e1, g: ~, h: null, i: text, "
                           "j: 18446744073709551615, k: 1e999}");
  ASSERT_TRUE(out.json);
  EXPECT_EQ(*out.json, nlohmann::json::parse(R"({"a":true,"b":false,"c":12,"d":-3,"e":1.5,"f":5.0,"g":null,
      "h":null,"i":"text","j":18446744073709551615,"k":"1e999"})"));
  EXPECT_TRUE(out.diagnostics.empty());
}

TEST(YamlJsonTest, quoted_scalars_stay_strings) {
  const auto out = convert(R"({a: "true", b: '12', c: "1.5"})");
  ASSERT_TRUE(out.json);
  EXPECT_EQ(*out.json, nlohmann::json::parse(R"({"a":"true","b":"12","c":"1.5"})"));
}

TEST(YamlJsonTest, lists_and_maps_nest) {
  const auto out = convert("{q: [1, {x: [yes, 'no']}], r: {}}");
  ASSERT_TRUE(out.json);
  EXPECT_EQ(*out.json, nlohmann::json::parse(R"({"q":[1,{"x":["yes","no"]}],"r":{}})"));
}

TEST(YamlJsonTest, duplicate_key_is_reported_and_the_first_kept) {
  const auto out = convert("{a: 1, a: 2}");
  ASSERT_TRUE(out.json);
  EXPECT_EQ(*out.json, nlohmann::json::parse(R"({"a":1})"));
  EXPECT_EQ(out.diagnostics, (std::vector<std::string>{"test.yaml:1:8: duplicate key 'a' (first defined at line 1)"}));
}

TEST(YamlJsonTest, too_deep_a_value_is_reported) {
  std::string yaml;
  for (int i = 0; i < 70; ++i) yaml += "[";
  for (int i = 0; i < 70; ++i) yaml += "]";
  const auto out = convert(yaml);
  EXPECT_FALSE(out.json);
  ASSERT_EQ(out.diagnostics.size(), 1u);
  EXPECT_EQ(out.diagnostics[0], "test.yaml:1:66: 'config' is nested too deeply (more than 64 levels)");
}

}  // namespace
}  // namespace harness::scenario
