#include <gtest/gtest.h>

#include "tests/net/net_test_util.h"

namespace {
using harness::net::Direction;
using namespace net_test;

TEST(ResetToxic, ends_every_open_connection_with_an_rst) {
  ProxiedEcho echo;
  TestClient client(echo.port);
  ASSERT_TRUE(client.send("a"));
  ASSERT_EQ(client.receive(1), "a");
  ASSERT_TRUE(echo.add("reset", Direction::k_both));
  EXPECT_EQ(client.ending(), "reset");
  ASSERT_EQ(echo.log.closes().size(), 1u);
  EXPECT_EQ(echo.log.closes()[0].closed_by, "proxy");
  EXPECT_EQ(echo.log.closes()[0].how, "reset toxic");
  EXPECT_EQ(echo.report("reset"), (nlohmann::json{{"connections_reset", 1}}));
}

TEST(ResetToxic, resets_connections_that_open_while_present) {
  ProxiedEcho echo;
  ASSERT_TRUE(echo.add("reset", Direction::k_both));
  TestClient client(echo.port);
  ASSERT_TRUE(client.connected());
  EXPECT_EQ(client.ending(), "reset");
  EXPECT_EQ(echo.report("reset"), (nlohmann::json{{"connections_reset", 1}}));
}

// Upstream, the RST goes to the service; the client sees a normal close.
TEST(ResetToxic, upstream_resets_the_service_side_only) {
  ProxiedEcho echo;
  TestClient client(echo.port);
  ASSERT_TRUE(client.send("a"));
  ASSERT_EQ(client.receive(1), "a");
  ASSERT_TRUE(echo.add("reset", Direction::k_upstream));
  EXPECT_EQ(client.ending(), "eof");
}

}  // namespace
