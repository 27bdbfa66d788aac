#include "harness/net/toxic.h"

#include <gtest/gtest.h>

namespace {
using harness::net::Direction;

TEST(Toxic, registry_holds_every_kind_by_name) {
  const auto names = harness::net::toxic_registry().names();
  EXPECT_EQ(std::vector<std::string_view>(names.begin(), names.end()),
            (std::vector<std::string_view>{"bandwidth", "blackhole", "latency", "limit-data", "refuse", "reset",
                                           "slice", "slow-close"}));
}

TEST(Toxic, unknown_kind_names_the_known_ones) {
  auto toxic = harness::net::make_toxic("jam", Direction::k_both, {});
  ASSERT_FALSE(toxic);
  EXPECT_EQ(toxic.error().message(),
            "unknown toxic 'jam' (known: bandwidth, blackhole, latency, limit-data, refuse, reset, slice, slow-close)");
}

TEST(Toxic, unknown_attribute_names_the_known_ones) {
  auto toxic = harness::net::make_toxic("latency", Direction::k_both, {{"delay", 5}});
  ASSERT_FALSE(toxic);
  EXPECT_EQ(toxic.error().message(), "latency: unknown attribute 'delay' (known: jitter, latency, seed)");
}

TEST(Toxic, attribute_below_its_minimum_is_rejected) {
  auto toxic = harness::net::make_toxic("latency", Direction::k_both, {{"jitter", -1}});
  ASSERT_FALSE(toxic);
  EXPECT_EQ(toxic.error().message(), "latency: 'jitter' must be a number >= 0");
}

TEST(Toxic, bandwidth_requires_a_rate) {
  auto toxic = harness::net::make_toxic("bandwidth", Direction::k_both, nlohmann::json::object());
  ASSERT_FALSE(toxic);
  EXPECT_EQ(toxic.error().message(), "bandwidth: 'rate' (KB/s) is required");
}

TEST(Toxic, refuse_cut_must_be_a_boolean) {
  auto toxic = harness::net::make_toxic("refuse", Direction::k_both, {{"cut", "yes"}});
  ASSERT_FALSE(toxic);
  EXPECT_EQ(toxic.error().message(), "refuse: 'cut' must be true or false");
}

TEST(Toxic, attributes_must_be_an_object) {
  auto toxic = harness::net::make_toxic("blackhole", Direction::k_both, nlohmann::json::array());
  ASSERT_FALSE(toxic);
  EXPECT_EQ(toxic.error().message(), "blackhole: attributes must be an object");
}

TEST(Toxic, direction_names_read_back) {
  for (auto d : {Direction::k_upstream, Direction::k_downstream, Direction::k_both})
    EXPECT_EQ(harness::net::direction_named(harness::net::name(d)), d);
  EXPECT_EQ(harness::net::direction_named("sideways"), std::nullopt);
}

TEST(Toxic, both_applies_to_each_way_and_one_way_only_to_itself) {
  EXPECT_TRUE(harness::net::applies(Direction::k_both, Direction::k_upstream));
  EXPECT_TRUE(harness::net::applies(Direction::k_both, Direction::k_downstream));
  EXPECT_TRUE(harness::net::applies(Direction::k_upstream, Direction::k_upstream));
  EXPECT_FALSE(harness::net::applies(Direction::k_upstream, Direction::k_downstream));
}

TEST(Toxic, reports_of_several_proxies_add_up_key_by_key) {
  const auto sum = harness::net::sum_reports({{{"bytes_held", 3}, {"connections_affected", 1}},
                                              {{"bytes_held", 4}, {"connections_affected", 2}}});
  EXPECT_EQ(sum, (nlohmann::json{{"bytes_held", 7}, {"connections_affected", 3}}));
}

}  // namespace
