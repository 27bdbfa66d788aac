#include <gtest/gtest.h>

#include "harness/process/ports.h"
#include "tests/net/net_test_util.h"

namespace {
using harness::net::Direction;
using harness::process::LoopbackConnection;
using namespace net_test;

TEST(RefuseToxic, refuses_new_connections_and_keeps_open_ones) {
  ProxiedEcho echo;
  TestClient open(echo.port);
  ASSERT_TRUE(open.send("a"));
  ASSERT_EQ(open.receive(1), "a");
  ASSERT_TRUE(echo.add("refuse", Direction::k_both));
  EXPECT_EQ(LoopbackConnection::connect(echo.port, 1s).result(), LoopbackConnection::Result::k_refused);
  ASSERT_TRUE(open.send("b"));
  EXPECT_EQ(open.receive(1), "b");
  ASSERT_TRUE(echo.network.remove_toxic({"echo", ""}, "refuse"));
  TestClient again(echo.port);
  ASSERT_TRUE(again.send("c"));
  EXPECT_EQ(again.receive(1), "c");
}

TEST(RefuseToxic, cut_resets_open_connections) {
  ProxiedEcho echo;
  TestClient open(echo.port);
  ASSERT_TRUE(open.send("a"));
  ASSERT_EQ(open.receive(1), "a");
  ASSERT_TRUE(echo.add("refuse", Direction::k_both, {{"cut", true}}));
  EXPECT_EQ(open.ending(), "reset");
  EXPECT_EQ(echo.report("refuse"), (nlohmann::json{{"connections_cut", 1}}));
}

}  // namespace
