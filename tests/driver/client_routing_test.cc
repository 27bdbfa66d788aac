#include "harness/driver/client_routing.h"

#include <gtest/gtest.h>

namespace harness::driver {
namespace {

const PlaceholderTable k_data_table{
    {"broker.port", "5672"},
    {"broker.direct_port", "5672"},
    {"broker.url", "amqp://u:p@127.0.0.1:5672//"},
    {"broker.direct_url", "amqp://u:p@127.0.0.1:5672//"},
    {"broker.management_url", "http://127.0.0.1:15672"},
    {"cache.port", "6379"},
    {"cache.url", "redis://:pw@127.0.0.1:6379/0"},
};

TEST(ClientRoutingTest, a_client_reaches_a_proxied_service_through_a_proxy_of_its_own) {
  net::Network network;
  ClientRouting routing(network, {"broker"});
  auto table = routing.client_table(k_data_table, "worker.1");
  ASSERT_TRUE(table) << table.error().message();
  const auto proxies = network.proxies();
  ASSERT_EQ(proxies.size(), 1u);
  EXPECT_EQ(proxies[0].name, "broker");
  EXPECT_EQ(proxies[0].client, "worker.1");
  EXPECT_EQ(proxies[0].upstream_port, 5672);
  const std::string port = std::to_string(proxies[0].port);
  EXPECT_EQ(table->at("broker.port"), port);
  EXPECT_EQ(table->at("broker.url"), "amqp://u:p@127.0.0.1:" + port + "//");
  // The service's own address, its management API and the other services stay direct.
  EXPECT_EQ(table->at("broker.direct_port"), "5672");
  EXPECT_EQ(table->at("broker.direct_url"), "amqp://u:p@127.0.0.1:5672//");
  EXPECT_EQ(table->at("broker.management_url"), "http://127.0.0.1:15672");
  EXPECT_EQ(table->at("cache.url"), "redis://:pw@127.0.0.1:6379/0");
  EXPECT_EQ(routing.overrides().at("worker.1").size(), 2u);  // port and url
}

TEST(ClientRoutingTest, each_client_instance_has_its_own_proxy_and_keeps_it) {
  net::Network network;
  ClientRouting routing(network, {"broker", "cache"});
  auto first = routing.client_table(k_data_table, "worker.1");
  auto second = routing.client_table(k_data_table, "worker.2");
  auto again = routing.client_table(k_data_table, "worker.1");
  ASSERT_TRUE(first && second && again);
  EXPECT_NE(first->at("broker.port"), second->at("broker.port"));
  EXPECT_NE(first->at("cache.port"), second->at("cache.port"));
  EXPECT_EQ(first->at("broker.port"), again->at("broker.port"));
  EXPECT_EQ(network.proxies().size(), 4u);
}

TEST(ClientRoutingTest, a_proxied_service_without_a_port_is_an_error) {
  net::Network network;
  ClientRouting routing(network, {"db"});
  auto table = routing.client_table(k_data_table, "worker.1");
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().message(), "service 'db' has no port to proxy");
}

// A proxied Redis group's replicas and sentinels share one proxy to the master, client "cache.peers"; a service that
// is not proxied has none.
TEST(ClientRoutingTest, a_proxied_redis_group_reaches_its_master_through_one_peers_proxy) {
  net::Network network;
  ClientRouting routing(network, {"cache"});
  auto port = routing.peer_port("cache", 6379);
  ASSERT_TRUE(port) << port.error().message();
  ASSERT_TRUE(*port);
  auto again = routing.peer_port("cache", 6379);
  ASSERT_TRUE(again && *again);
  EXPECT_EQ(**again, **port);
  const auto proxies = network.proxies();
  ASSERT_EQ(proxies.size(), 1u);
  EXPECT_EQ(proxies[0].name, "cache");
  EXPECT_EQ(proxies[0].client, "cache.peers");
  EXPECT_EQ(proxies[0].upstream_port, 6379);
  EXPECT_EQ(proxies[0].port, **port);
  auto direct = routing.peer_port("broker", 5672);
  ASSERT_TRUE(direct);
  EXPECT_FALSE(*direct);
  EXPECT_TRUE(routing.overrides().empty());  // no client's table changes
}

}  // namespace
}  // namespace harness::driver
