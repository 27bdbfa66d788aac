#include <gtest/gtest.h>

#include "tests/net/net_test_util.h"

namespace {
using harness::net::Direction;
using namespace net_test;

// 50 KiB at 100 KB/s takes at least half a second, and every byte arrives in order.
TEST(BandwidthToxic, passes_bytes_no_faster_than_its_rate) {
  ProxiedEcho echo;
  ASSERT_TRUE(echo.add("bandwidth", Direction::k_downstream, {{"rate", 100}}));
  TestClient client(echo.port);
  std::string bytes(50 * 1024, 'b');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.send(bytes));
  EXPECT_EQ(client.receive(bytes.size()), bytes);
  EXPECT_GE(elapsed_ms(start), 500);
  EXPECT_EQ(echo.report("bandwidth"), (nlohmann::json{{"bytes_throttled", 50 * 1024}, {"connections_affected", 1}}));
}

}  // namespace
