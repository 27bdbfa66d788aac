#include "harness/history/net_events.h"

#include <gtest/gtest.h>

#include "tests/net/net_test_util.h"

namespace {
using harness::history::EventType;
using harness::history::History;
using nlohmann::json;

TEST(NetEvents, a_connection_through_a_proxy_is_recorded_as_net_connect_and_net_close) {
  harness::util::ManualClock clock;
  History history(clock, "/nonexistent/history.jsonl");  // never opened: events kept in memory
  net_test::EchoServer server;
  {
    harness::net::Network network(harness::history::connection_recorder(history));
    auto proxy = network.add_proxy({.name = "broker", .client = "worker.1", .upstream_port = server.port()});
    ASSERT_TRUE(proxy);
    net_test::TestClient client(proxy->port);
    ASSERT_TRUE(client.send("abc"));
    ASSERT_EQ(client.receive(3), "abc");
    ASSERT_TRUE(network.add_toxic({"broker", ""}, "cut", "reset", harness::net::Direction::k_both));
    ASSERT_TRUE(net_test::eventually([&] { return history.events_of_type("net.close").size() == 1; }));
  }
  const auto connects = history.events_of_type("net.connect");
  ASSERT_EQ(connects.size(), 1u);
  EXPECT_EQ(connects[0].service, "broker");
  EXPECT_EQ(connects[0].data, (json{{"client", "worker.1"}, {"connection", 1}}));
  const auto closes = history.events_of_type("net.close");
  ASSERT_EQ(closes.size(), 1u);
  EXPECT_EQ(closes[0].service, "broker");
  EXPECT_EQ(closes[0].data, (json{{"client", "worker.1"},
                                  {"connection", 1},
                                  {"closed_by", "proxy"},
                                  {"how", "reset toxic"},
                                  {"bytes_upstream", 3},
                                  {"bytes_downstream", 3}}));
}

TEST(NetEvents, event_types_have_their_dotted_names) {
  EXPECT_EQ(harness::history::name(EventType::k_net_connect), "net.connect");
  EXPECT_EQ(harness::history::name(EventType::k_net_close), "net.close");
}

}  // namespace
