#include <gtest/gtest.h>

#include "tests/net/net_test_util.h"

namespace {
using harness::net::Direction;
using namespace net_test;

TEST(LatencyToxic, delays_a_round_trip_by_at_least_its_latency) {
  ProxiedEcho echo;
  ASSERT_TRUE(echo.add("latency", Direction::k_upstream, {{"latency", 100}}));
  TestClient client(echo.port);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.send("ping"));
  EXPECT_EQ(client.receive(4), "ping");
  EXPECT_GE(elapsed_ms(start), 100);
}

// The echo sends back what it gets, so a toxic on one way sees half the bytes a toxic on both ways sees.
TEST(LatencyToxic, acts_only_on_its_direction) {
  ProxiedEcho echo;
  ASSERT_TRUE(echo.network.add_toxic({"echo", ""}, "up", "latency", Direction::k_upstream, {{"latency", 1}}));
  ASSERT_TRUE(echo.network.add_toxic({"echo", ""}, "down", "latency", Direction::k_downstream, {{"latency", 1}}));
  ASSERT_TRUE(echo.network.add_toxic({"echo", ""}, "both", "latency", Direction::k_both, {{"latency", 1}}));
  TestClient client(echo.port);
  ASSERT_TRUE(client.send("12345"));
  ASSERT_EQ(client.receive(5), "12345");
  EXPECT_EQ((*echo.network.toxic_report({"echo", ""}, "up")),
            (nlohmann::json{{"bytes_delayed", 5}, {"connections_affected", 1}}));
  EXPECT_EQ((*echo.network.toxic_report({"echo", ""}, "down"))["bytes_delayed"], 5);
  EXPECT_EQ((*echo.network.toxic_report({"echo", ""}, "both"))["bytes_delayed"], 10);
}

TEST(LatencyToxic, removed_at_runtime_stops_acting) {
  ProxiedEcho echo;
  ASSERT_TRUE(echo.add("latency", Direction::k_both, {{"latency", 1}}));
  TestClient client(echo.port);
  ASSERT_TRUE(client.send("a"));
  ASSERT_EQ(client.receive(1), "a");
  auto report = echo.network.remove_toxic({"echo", ""}, "latency");
  ASSERT_TRUE(report);
  EXPECT_EQ((*report)["bytes_delayed"], 2);
  ASSERT_TRUE(client.send("b"));
  EXPECT_EQ(client.receive(1), "b");
}

}  // namespace
