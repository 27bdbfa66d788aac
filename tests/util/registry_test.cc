#include "harness/util/registry.h"

#include <gtest/gtest.h>

#include <string>

namespace harness::util {
namespace {

struct TestKind {
  std::string_view name;
  int value = 0;
};

TEST(RegistryTest, finds_kinds_by_name_and_lists_them_sorted) {
  Registry<TestKind> registry;
  EXPECT_TRUE(registry.add({"redis-flush", 1}));
  EXPECT_TRUE(registry.add({"kill", 2}));
  EXPECT_TRUE(registry.add({"pause", 3}));
  ASSERT_NE(registry.find("kill"), nullptr);
  EXPECT_EQ(registry.find("kill")->value, 2);
  EXPECT_EQ(registry.find("latency"), nullptr);
  EXPECT_EQ(registry.names(), (std::vector<std::string_view>{"kill", "pause", "redis-flush"}));
}

TEST(RegistryDeathTest, a_name_registered_twice_stops_the_harness_naming_it) {
  Registry<TestKind> registry;
  registry.add({"kill", 1});
  EXPECT_DEATH(registry.add({"kill", 2}), "kind 'kill' registered twice");
}

}  // namespace
}  // namespace harness::util
