#include <gtest/gtest.h>

#include "tests/net/net_test_util.h"

namespace {
using harness::net::Direction;
using namespace net_test;

// Downstream: the service gets the bytes, the client gets nothing, and the connection stays open; once removed
// the held bytes arrive.
TEST(BlackholeToxic, holds_downstream_bytes_until_removed_and_keeps_the_connection_open) {
  ProxiedEcho echo;
  TestClient client(echo.port);
  ASSERT_TRUE(client.send("a"));
  ASSERT_EQ(client.receive(1), "a");
  ASSERT_TRUE(echo.add("blackhole", Direction::k_downstream));
  ASSERT_TRUE(client.send("held"));
  ASSERT_TRUE(eventually([&] { return echo.server.received() == 5; }));
  EXPECT_EQ(client.receive(4, 200ms), "");
  EXPECT_EQ(client.ending(50ms), "open");
  EXPECT_TRUE(echo.log.closes().empty());
  EXPECT_EQ(echo.report("blackhole"), (nlohmann::json{{"bytes_held", 4}, {"connections_affected", 1}}));
  ASSERT_TRUE(echo.network.remove_toxic({"echo", ""}, "blackhole"));
  EXPECT_EQ(client.receive(4), "held");
}

TEST(BlackholeToxic, upstream_keeps_bytes_from_the_service) {
  ProxiedEcho echo;
  ASSERT_TRUE(echo.add("blackhole", Direction::k_upstream));
  TestClient client(echo.port);
  ASSERT_TRUE(client.send("held"));
  ASSERT_TRUE(eventually([&] { return echo.report("blackhole")["bytes_held"] == 4; }));
  EXPECT_EQ(echo.server.received(), 0u);
  ASSERT_TRUE(echo.network.remove_toxic({"echo", ""}, "blackhole"));
  EXPECT_EQ(client.receive(4), "held");
  EXPECT_EQ(echo.server.received(), 4u);
}

// The client's FIN is held too: the echo server, which closes when its client does, stays open until removal.
TEST(BlackholeToxic, holds_a_fin_until_removed) {
  ProxiedEcho echo;
  ASSERT_TRUE(echo.add("blackhole", Direction::k_upstream));
  TestClient client(echo.port);
  client.shutdown_write();
  EXPECT_EQ(client.ending(200ms), "open");
  ASSERT_TRUE(echo.network.remove_toxic({"echo", ""}, "blackhole"));
  EXPECT_EQ(client.ending(), "eof");
}

}  // namespace
