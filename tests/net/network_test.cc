#include "harness/net/network.h"

#include <gtest/gtest.h>

#include <optional>

#include "harness/process/ports.h"
#include "tests/net/net_test_util.h"

namespace {
using harness::net::ConnectionEvent;
using harness::net::Direction;
using namespace net_test;

TEST(Network, passes_bytes_both_ways_without_toxics) {
  ProxiedEcho echo;
  TestClient client(echo.port);
  ASSERT_TRUE(client.connected());
  std::string bytes(1 << 20, 'x');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  std::thread sender([&] { EXPECT_TRUE(client.send(bytes)); });
  const auto got = client.receive(bytes.size());
  sender.join();
  EXPECT_EQ(got, bytes);
}

TEST(Network, proxy_listens_on_its_own_loopback_port) {
  ProxiedEcho echo;
  EXPECT_NE(echo.port, 0);
  EXPECT_NE(echo.port, echo.server.port());
  EXPECT_TRUE(harness::process::is_listening(echo.port));
  const auto proxies = echo.network.proxies();
  ASSERT_EQ(proxies.size(), 1u);
  EXPECT_EQ(proxies[0].name, "echo");
  EXPECT_EQ(proxies[0].client, "worker.1");
  EXPECT_EQ(proxies[0].upstream_port, echo.server.port());
}

TEST(Network, records_connect_and_a_close_by_the_client) {
  ProxiedEcho echo;
  {
    TestClient client(echo.port);
    ASSERT_TRUE(client.send("hello"));
    ASSERT_EQ(client.receive(5), "hello");
  }
  ASSERT_TRUE(eventually([&] { return echo.log.closes().size() == 1; }));
  const auto events = echo.log.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, ConnectionEvent::Kind::k_connect);
  EXPECT_EQ(events[0].proxy, "echo");
  EXPECT_EQ(events[0].client, "worker.1");
  EXPECT_EQ(events[1].connection, events[0].connection);
  EXPECT_EQ(events[1].closed_by, "client");
  EXPECT_EQ(events[1].how, "fin");
  EXPECT_EQ(events[1].bytes_upstream, 5u);
  EXPECT_EQ(events[1].bytes_downstream, 5u);
}

TEST(Network, passes_a_client_reset_on_and_records_it) {
  ProxiedEcho echo;
  TestClient client(echo.port);
  ASSERT_TRUE(client.send("a"));
  ASSERT_EQ(client.receive(1), "a");
  client.reset();
  ASSERT_TRUE(eventually([&] { return echo.log.closes().size() == 1; }));
  EXPECT_EQ(echo.log.closes()[0].closed_by, "client");
  EXPECT_EQ(echo.log.closes()[0].how, "reset");
}

TEST(Network, records_a_close_by_the_service_when_it_refuses_the_proxy) {
  EventLog log;
  harness::net::Network network(log.sink());
  auto unused = harness::process::allocate_port();
  ASSERT_TRUE(unused);
  auto info = network.add_proxy({.name = "nothing", .client = "", .upstream_port = *unused});
  ASSERT_TRUE(info) << info.error().message();
  TestClient client(info->port);
  ASSERT_TRUE(client.connected());
  EXPECT_EQ(client.ending(), "reset");
  ASSERT_TRUE(eventually([&] { return log.closes().size() == 1; }));
  EXPECT_EQ(log.closes()[0].closed_by, "service");
  EXPECT_EQ(log.closes()[0].how, "refused");
}

TEST(Network, a_second_proxy_of_one_name_and_client_is_an_error) {
  ProxiedEcho echo;
  auto again = echo.network.add_proxy({.name = "echo", .client = "worker.1", .upstream_port = echo.server.port()});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message(), "proxy 'echo' for client 'worker.1' exists already");
}

TEST(Network, a_toxic_for_no_proxy_is_an_error) {
  ProxiedEcho echo;
  auto status = echo.network.add_toxic({"echo", "worker.9"}, "b", "blackhole", Direction::k_both);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.message(), "no proxy matches 'echo' for client 'worker.9'");
}

TEST(Network, removing_an_absent_toxic_is_an_error) {
  ProxiedEcho echo;
  auto report = echo.network.remove_toxic({"echo", ""}, "latency");
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().message(), "no toxic 'latency' on 'echo'");
}

TEST(Network, a_toxic_name_is_unique_on_a_proxy) {
  ProxiedEcho echo;
  ASSERT_TRUE(echo.add("latency", Direction::k_both));
  auto status = echo.add("latency", Direction::k_both);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.message(), "toxic 'latency' is already on proxy 'echo'");
}

// A toxic selected by client reaches that client's proxy and not another client's proxy of the same service.
TEST(Network, toxic_for_one_client_leaves_the_other_clients_alone) {
  ProxiedEcho echo;
  auto other = echo.network.add_proxy({.name = "echo", .client = "worker.2", .upstream_port = echo.server.port()});
  ASSERT_TRUE(other);
  ASSERT_TRUE(echo.network.add_toxic({"echo", "worker.1"}, "cut", "blackhole", Direction::k_both));
  TestClient one(echo.port);
  TestClient two(other->port);
  ASSERT_TRUE(one.send("one"));
  ASSERT_TRUE(two.send("two"));
  EXPECT_EQ(two.receive(3), "two");
  EXPECT_EQ(one.receive(3, 200ms), "");
  auto report = echo.network.remove_toxic({"echo", ""}, "cut");
  ASSERT_TRUE(report);
  EXPECT_EQ(one.receive(3), "one");
  EXPECT_EQ((*report)["bytes_held"], 3);
}

TEST(Network, shutdown_closes_open_connections_as_the_proxy) {
  EchoServer server;
  EventLog log;
  std::optional<TestClient> client;
  {
    harness::net::Network network(log.sink());
    auto info = network.add_proxy({.name = "echo", .client = "", .upstream_port = server.port()});
    ASSERT_TRUE(info);
    client.emplace(info->port);
    ASSERT_TRUE(client->send("x"));
    ASSERT_EQ(client->receive(1), "x");
    // A way held by a toxic must not keep the Network's thread from ending.
    ASSERT_TRUE(network.add_toxic({}, "hole", "blackhole", Direction::k_both));
    ASSERT_TRUE(client->send("y"));
    ASSERT_TRUE(eventually([&] { return (*network.toxic_report({}, "hole"))["bytes_held"] == 1; }));
  }
  const auto closes = log.closes();
  ASSERT_EQ(closes.size(), 1u);
  EXPECT_EQ(closes[0].closed_by, "proxy");
  EXPECT_EQ(closes[0].how, "shutdown");
  EXPECT_EQ(client->ending(), "eof");
}

// A way with no toxic moves bytes with splice(2), which has no MSG_NOSIGNAL. A client that closed while the proxy
// held its FIN (a blackhole upstream) leaves the proxy's socket in CLOSE_WAIT: the first bytes to it are answered
// with an RST, which there sets EPIPE, and the next splice raises SIGPIPE. The proxy's thread blocks SIGPIPE, so
// that is an EPIPE ending the connection, not the end of the harness (as a Redis replica that left its old master
// during a partition did: scenario redis-split-brain).
TEST(Network, a_splice_to_a_client_gone_behind_a_held_fin_ends_the_connection_without_sigpipe) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  EventLog log;
  harness::net::Network network(log.sink());
  auto info = network.add_proxy({.name = "svc", .client = "", .upstream_port = ntohs(address.sin_port)});
  ASSERT_TRUE(info);
  ASSERT_TRUE(network.add_toxic({}, "hole", "blackhole", Direction::k_upstream));
  std::optional<TestClient> client(std::in_place, info->port);
  const int service = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(service, 0);
  client.reset();  // its FIN is held: the proxy does not read the client while the blackhole is present
  for (int i = 0; i < 500 && log.closes().empty(); ++i) {
    ASSERT_EQ(::send(service, "x", 1, MSG_NOSIGNAL), 1);
    std::this_thread::sleep_for(10ms);
  }
  const auto closes = log.closes();
  ASSERT_EQ(closes.size(), 1u);
  EXPECT_EQ(closes[0].closed_by, "client");
  ::close(service);
  ::close(listener);
}

}  // namespace
