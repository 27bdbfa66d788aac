// What the close-connections fault reads from rabbitmqctl.
#include "harness/fault/close_connections.h"

#include <gtest/gtest.h>

namespace harness::fault {
namespace {

TEST(CloseConnectionsTest, connections_in_reads_rabbitmqctl_json) {
  const auto list = nlohmann::json::parse(R"([
      {"name":"127.0.0.1:42906 -> 127.0.0.1:42389","state":"closed"},
      {"name":"127.0.0.1:34752 -> 127.0.0.1:42389","state":"running"},
      {"state":"running"}, {"name":"no state"}])");
  const auto connections = connections_in(list);
  ASSERT_EQ(connections.size(), 3u);
  EXPECT_EQ(connections[0].name, "127.0.0.1:42906 -> 127.0.0.1:42389");
  EXPECT_EQ(connections[0].state, "closed");
  EXPECT_EQ(connections[1].state, "running");
  EXPECT_EQ(connections[2].name, "no state");
  EXPECT_EQ(connections[2].state, "");
  EXPECT_TRUE(connections_in(nlohmann::json::object()).empty());
  EXPECT_TRUE(connections_in(nlohmann::json()).empty());
}

TEST(CloseConnectionsTest, closed_count_reads_close_all_connections_output) {
  EXPECT_EQ(closed_count("Closing all connections to node cc@localhost (across all vhosts), reason: x...\n"
                         "Closed 3 connections\n"),
            3);
  EXPECT_EQ(closed_count("Closed 0 connections\n"), 0);
  EXPECT_EQ(closed_count("Closed 1 connection\n"), 1);
  EXPECT_EQ(closed_count("Error: unable to perform an operation on node"), std::nullopt);
  EXPECT_EQ(closed_count("Closed 99999999999 connections"), std::nullopt);
}

}  // namespace
}  // namespace harness::fault
