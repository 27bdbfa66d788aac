#include <gtest/gtest.h>

#include "tests/net/net_test_util.h"

namespace {
using harness::net::Direction;
using namespace net_test;

TEST(LimitDataToxic, closes_a_connection_once_its_bytes_have_passed) {
  ProxiedEcho echo;
  ASSERT_TRUE(echo.add("limit-data", Direction::k_upstream, {{"bytes", 40}}));
  TestClient client(echo.port);
  ASSERT_TRUE(client.send(std::string(100, 'l')));
  EXPECT_EQ(client.ending(), "eof");
  ASSERT_TRUE(eventually([&] { return echo.log.closes().size() == 1; }));
  EXPECT_TRUE(eventually([&] { return echo.server.received() == 40u; }));
  EXPECT_EQ(echo.log.closes()[0].closed_by, "proxy");
  EXPECT_EQ(echo.log.closes()[0].how, "limit-data toxic");
  EXPECT_EQ(echo.report("limit-data"), (nlohmann::json{{"bytes_passed", 40}, {"connections_closed", 1}}));
}

}  // namespace
