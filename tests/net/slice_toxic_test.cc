#include <gtest/gtest.h>

#include "tests/net/net_test_util.h"

namespace {
using harness::net::Direction;
using namespace net_test;

// 1,000 bytes in pieces of 100 are at least 10 pieces, in order. The proxy may read the 1,000 bytes in one chunk
// or (rarely) two; each chunk's pieces go 20 ms apart, so at least 8 delays pass.
TEST(SliceToxic, cuts_chunks_into_pieces_sent_delay_apart) {
  ProxiedEcho echo;
  ASSERT_TRUE(echo.add("slice", Direction::k_upstream, {{"average_size", 100}, {"delay", 20000}}));
  TestClient client(echo.port);
  std::string bytes(1000, 's');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>('a' + i % 26);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.send(bytes));
  EXPECT_EQ(client.receive(bytes.size()), bytes);
  EXPECT_GE(elapsed_ms(start), 160);
  EXPECT_GE(echo.report("slice")["pieces_sent"].get<int>(), 10);
}

}  // namespace
