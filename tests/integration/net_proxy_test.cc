// The fault proxy (harness/net/) in front of a real Redis: a client through the proxy is served, a blackhole
// leaves it without an answer (its connection open) while a direct client, as the harness's own are, is still
// served; once the blackhole is removed the held command is answered. The History records the proxied
// connection (net.connect) and its close at shutdown (net.close).
#include <gtest/gtest.h>

#include "harness/datastore/redis_client.h"
#include "harness/history/net_events.h"
#include "harness/net/network.h"
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

}  // namespace
