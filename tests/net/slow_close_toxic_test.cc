#include <gtest/gtest.h>

#include "tests/net/net_test_util.h"

namespace {
using harness::net::Direction;
using namespace net_test;

// The client's FIN reaches the echo server (which then closes) no sooner than the delay.
TEST(SlowCloseToxic, passes_a_fin_on_after_its_delay) {
  ProxiedEcho echo;
  ASSERT_TRUE(echo.add("slow-close", Direction::k_upstream, {{"delay", 200}}));
  TestClient client(echo.port);
  ASSERT_TRUE(client.send("a"));
  ASSERT_EQ(client.receive(1), "a");
  const auto start = std::chrono::steady_clock::now();
  client.shutdown_write();
  EXPECT_EQ(client.ending(), "eof");
  EXPECT_GE(elapsed_ms(start), 200);
  EXPECT_EQ(echo.report("slow-close"), (nlohmann::json{{"closes_delayed", 1}}));
}

}  // namespace
