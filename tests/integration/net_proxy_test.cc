// The fault proxy (harness/net/) in front of a real Redis: a client through the proxy is served, a blackhole
// leaves it without an answer (its connection open) while a direct client, as the harness's own are, is still
// served; once the blackhole is removed the held command is answered. The History records the proxied
// connection (net.connect) and its close at shutdown (net.close). And the connection-level toxics (refuse,
// slow-close, slice, limit-data) against the same real Redis, each seen from Redis's side or its client's.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "harness/datastore/redis_client.h"
#include "harness/history/net_events.h"
#include "harness/net/network.h"
#include "harness/process/cancellation.h"
#include "harness/process/child_process.h"
#include "harness/process/ports.h"
#include "tests/integration/cli_harness.h"

namespace {
using namespace std::chrono_literals;
using harness::datastore::RedisClient;

TEST(NetProxy, blackhole_on_a_real_redis_holds_proxied_commands_while_direct_ones_are_served) {
  if (!test::have("/usr/bin/redis-server")) GTEST_SKIP() << "redis-server not installed (scripts/install-deps)";
  test::TempDir dir;
  harness::process::OwnerMark::set_run_id("net-proxy-test-" + std::to_string(::getpid()));
  auto port = harness::process::allocate_port();
  ASSERT_TRUE(port);
  harness::process::SpawnOptions options;
  options.argv = {"/usr/bin/redis-server", "--port", std::to_string(*port), "--bind", "127.0.0.1",
                  "--dir", dir.path().string(), "--save", "", "--appendonly", "no", "--daemonize", "no"};
  options.log_file = dir.path() / "redis.log";
  auto redis = harness::process::ChildProcess::spawn(options);
  ASSERT_TRUE(redis) << redis.error().message();
  ASSERT_TRUE(harness::process::wait_for_listening(*port, 30s)) << test::read_file(dir.path() / "redis.log");

  harness::util::ManualClock clock;
  harness::history::History history(clock, dir.path() / "history.jsonl");
  {
    harness::net::Network network(harness::history::connection_recorder(history));
    auto proxy = network.add_proxy({.name = "cache", .client = "worker.1", .upstream_port = *port});
    ASSERT_TRUE(proxy) << proxy.error().message();
    auto proxied = RedisClient::connect(proxy->port, "", 5s);
    ASSERT_TRUE(proxied) << proxied.error().message();
    auto set = proxied->command({"SET", "k", "before"});
    ASSERT_TRUE(set) << set.error().message();

    ASSERT_TRUE(network.add_toxic({"cache", ""}, "hole", "blackhole", harness::net::Direction::k_both));
    auto held = RedisClient::connect(proxy->port, "", 300ms);  // a new connection is accepted, then held
    ASSERT_TRUE(held) << held.error().message();
    auto unanswered = held->command({"PING"});
    EXPECT_FALSE(unanswered) << "a command through a blackhole was answered";
    auto direct = RedisClient::connect(*port, "", 5s);
    ASSERT_TRUE(direct);
    auto value = direct->command({"GET", "k"});
    ASSERT_TRUE(value) << value.error().message();
    EXPECT_EQ(value->str, "before");
    auto report = network.remove_toxic({"cache", ""}, "hole");
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_EQ((*report)["connections_affected"], 1);
    EXPECT_EQ((*report)["bytes_held"], 14);  // PING as RESP: *1\r\n$4\r\nPING\r\n
    auto after = proxied->command({"GET", "k"});
    ASSERT_TRUE(after) << after.error().message();
    EXPECT_EQ(after->str, "before");
  }
  const auto connects = history.events_of_type("net.connect");
  ASSERT_EQ(connects.size(), 2u);
  EXPECT_EQ(connects[0].service, "cache");
  EXPECT_EQ(connects[0].data["client"], "worker.1");
  const auto closes = history.events_of_type("net.close");
  ASSERT_GE(closes.size(), 1u);  // the held client's close by timeout is its own; the proxied one's at shutdown
  bool shutdown_seen = false;
  for (const auto& close : closes) shutdown_seen |= close.data["how"] == "shutdown";
  EXPECT_TRUE(shutdown_seen);
}

// A real Redis and a Network with one proxy in front of it (no History: these tests judge the toxics' effects).
class ProxiedRedis : public testing::Test {
protected:
  void SetUp() override {
    if (!test::have("/usr/bin/redis-server")) GTEST_SKIP() << "redis-server not installed (scripts/install-deps)";
    harness::process::OwnerMark::set_run_id("net-proxy-test-" + std::to_string(::getpid()));
    auto port = harness::process::allocate_port();
    ASSERT_TRUE(port);
    m_port = *port;
    harness::process::SpawnOptions options;
    options.argv = {"/usr/bin/redis-server", "--port", std::to_string(m_port), "--bind", "127.0.0.1",
                    "--dir", m_dir.path().string(), "--save", "", "--appendonly", "no", "--daemonize", "no"};
    options.log_file = m_dir.path() / "redis.log";
    auto redis = harness::process::ChildProcess::spawn(options);
    ASSERT_TRUE(redis) << redis.error().message();
    m_redis = std::move(*redis);
    ASSERT_TRUE(harness::process::wait_for_listening(m_port, 30s)) << test::read_file(m_dir.path() / "redis.log");
    auto proxy = m_network.add_proxy({.name = "cache", .client = "worker.1", .upstream_port = m_port});
    ASSERT_TRUE(proxy) << proxy.error().message();
    m_proxy_port = proxy->port;
  }

  harness::util::Expected<RedisClient> proxied(std::chrono::milliseconds timeout = 5s) {
    return RedisClient::connect(m_proxy_port, "", timeout);
  }
  // The number of clients Redis itself has, asked directly (this question's own connection included).
  int redis_clients() {
    auto direct = RedisClient::connect(m_port, "", 5s);
    if (!direct) return -1;
    auto list = direct->command({"CLIENT", "LIST"});
    if (!list) return -1;
    return static_cast<int>(std::count(list->str.begin(), list->str.end(), '\n'));
  }
  harness::util::Status add(std::string_view kind, harness::net::Direction direction, const nlohmann::json& attributes) {
    return m_network.add_toxic({"cache", ""}, "toxic", kind, direction, attributes);
  }
  nlohmann::json remove() {
    auto report = m_network.remove_toxic({"cache", ""}, "toxic");
    EXPECT_TRUE(report) << report.error().message();
    return report ? *report : nlohmann::json();
  }

  test::TempDir m_dir;
  std::uint16_t m_port = 0;
  std::uint16_t m_proxy_port = 0;
  std::unique_ptr<harness::process::ChildProcess> m_redis;
  harness::net::Network m_network{[](const harness::net::ConnectionEvent&) {}};
};

TEST_F(ProxiedRedis, refuse_turns_new_connections_away_and_keeps_or_cuts_the_open_ones) {
  auto open = proxied();
  ASSERT_TRUE(open) << open.error().message();
  ASSERT_TRUE(add("refuse", harness::net::Direction::k_both, nlohmann::json::object()));
  auto refused = proxied(1s);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message(), testing::HasSubstr("refused"));
  auto kept = open->command({"PING"});  // an open connection is kept
  ASSERT_TRUE(kept) << kept.error().message();
  EXPECT_EQ(kept->str, "PONG");
  EXPECT_EQ(remove()["connections_cut"], 0);
  auto again = proxied();  // listening again
  ASSERT_TRUE(again) << again.error().message();
  ASSERT_TRUE(again->command({"PING"}));  // through to Redis: both connections are open end to end

  ASSERT_TRUE(add("refuse", harness::net::Direction::k_both, {{"cut", true}}));
  EXPECT_FALSE(open->command({"PING"})) << "a connection cut by refuse {cut: true} was still answered";
  EXPECT_FALSE(again->command({"PING"})) << "a connection cut by refuse {cut: true} was still answered";
  EXPECT_EQ(remove()["connections_cut"], 2);
}

TEST_F(ProxiedRedis, slow_close_holds_a_clients_fin_before_redis_sees_it) {
  const int before = redis_clients();
  {
    auto client = proxied();
    ASSERT_TRUE(client) << client.error().message();
    ASSERT_TRUE(client->command({"PING"}));
    ASSERT_EQ(redis_clients(), before + 1);
    ASSERT_TRUE(add("slow-close", harness::net::Direction::k_upstream, {{"delay", 3000}}));
  }  // closed: its FIN waits in the proxy
  // Half the delay later, Redis still has the client; within the delay and a margin it has gone.
  harness::process::Deadline half(1500ms);
  while (!half.expired()) ASSERT_EQ(redis_clients(), before + 1) << "the FIN reached Redis before the delay";
  harness::process::Deadline gone(10s);
  while (redis_clients() != before && gone.sleep_for(50ms)) {}
  EXPECT_EQ(redis_clients(), before);
  EXPECT_EQ(remove()["closes_delayed"], 1);
}

TEST_F(ProxiedRedis, slice_delivers_a_large_value_whole_in_small_pieces) {
  auto client = proxied();
  ASSERT_TRUE(client) << client.error().message();
  ASSERT_TRUE(add("slice", harness::net::Direction::k_both, {{"average_size", 16}, {"variation", 8}, {"delay", 100}}));
  const std::string value(4000, 'v');
  ASSERT_TRUE(client->command({"SET", "big", value}));
  auto read = client->command({"GET", "big"});
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(read->str, value);
  // Both ways carried the 4,000 bytes and more in pieces of 8 to 24 bytes: at least 2 x 4,000 / 24.
  EXPECT_GE(remove()["pieces_sent"].get<int>(), 2 * 4000 / 24);
}

TEST_F(ProxiedRedis, limit_data_closes_a_connection_once_its_bytes_have_passed) {
  ASSERT_TRUE(add("limit-data", harness::net::Direction::k_upstream, {{"bytes", 100}}));
  auto client = proxied();
  ASSERT_TRUE(client) << client.error().message();
  int answered = 0;
  for (int i = 0; i < 20; ++i) {  // each PING is 14 bytes upstream: 7 fit in 100
    if (!client->command({"PING"})) break;
    ++answered;
  }
  EXPECT_EQ(answered, 7);
  const auto report = remove();
  EXPECT_EQ(report["connections_closed"], 1);
  EXPECT_EQ(report["bytes_passed"], 100);
}

}  // namespace
