// The typed YAML reading the scenario readers share: map views, typed values and their messages.
#include "harness/scenario/yaml_reader.h"

#include <gtest/gtest.h>

namespace harness::scenario {
namespace {

std::vector<std::string> messages(YamlReader& reader) {
  std::vector<std::string> out;
  for (const auto& diagnostic : reader.take_diagnostics()) out.push_back(diagnostic.to_string());
  return out;
}

TEST(YamlReaderTest, map_view_keeps_file_order_and_reports_unknown_keys) {
  YamlReader reader("test.yaml");
  const MapView map(reader, YAML::Load("{kind: redis, imgae: x}"));
  ASSERT_EQ(map.entries().size(), 2u);
  EXPECT_EQ(map.entries()[0].key, "kind");
  map.report_unknown_keys(reader, {"kind", "image"}, "service 'cache'");
  EXPECT_EQ(messages(reader),
            (std::vector<std::string>{"test.yaml:1:15: unknown key 'imgae' in service 'cache' (did you mean 'image'?)"}));
}

TEST(YamlReaderTest, typed_values_report_what_was_expected) {
  YamlReader reader("test.yaml");
  const MapView map(reader, YAML::Load("{replicas: two, regex: yes, code: 300, timeout: 0s, tags: [a, {b: 1}]}"));
  EXPECT_EQ(read_int(reader, *map.find("replicas"), 1), std::nullopt);
  EXPECT_EQ(read_bool(reader, *map.find("regex")), true);
  EXPECT_EQ(read_int(reader, *map.find("code"), 0, 255), std::nullopt);
  EXPECT_EQ(read_duration(reader, *map.find("timeout")), std::nullopt);
  EXPECT_EQ(read_string_list(reader, *map.find("tags")), std::nullopt);
  EXPECT_EQ(messages(reader), (std::vector<std::string>{
                                  "test.yaml:1:12: 'replicas' must be an integer >= 1, got 'two'",
                                  "test.yaml:1:35: 'code' must be an integer from 0 to 255, got '300'",
                                  "test.yaml:1:49: 'timeout' must be a positive duration, got '0s'",
                                  "test.yaml:1:63: entry 2 of 'tags' must be a string, got a map",
                              }));
}

TEST(YamlReaderTest, plain_integer_duration_is_seconds) {
  YamlReader reader("test.yaml");
  const MapView map(reader, YAML::Load("{a: 10, b: '10'}"));
  EXPECT_EQ(read_duration(reader, *map.find("a")), Millis{10'000});
  EXPECT_EQ(read_duration(reader, *map.find("b")), std::nullopt);  // quoted: a duration string needs a unit
  EXPECT_EQ(messages(reader).size(), 1u);
}

}  // namespace
}  // namespace harness::scenario
