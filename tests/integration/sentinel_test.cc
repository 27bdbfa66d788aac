// Redis replication + Sentinel on the real services: a master with one replica and three sentinels, a Celery
// worker whose broker and result backend are sentinel:// URLs. A task succeeds, `redis-failover` promotes the
// replica (by SENTINEL FAILOVER, and in a second run by SIGKILL of the master), the history names the new
// master, and a task published after the failover succeeds: the worker followed the new master.
// A group is ready only when its sentinels could fail over: SENTINEL FAILOVER right after the boot succeeds.
#include <gmock/gmock.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/datastore/redis_client.h"
#include "harness/driver/driver.h"
#include "harness/process/ports.h"
#include "harness/process/sweeper.h"
#include "harness/run/runner.h"
#include "harness/stack/stack.h"
#include "tests/integration/cli_harness.h"

namespace {
using nlohmann::json;
using testing::HasSubstr;

std::string sentinel_scenario(const std::string& name, const std::string& mode) {
  return "name: " + name + "\n" +
         "timeout: 3m\n"
         "services:\n"
         "  cache: {image: redis, replicas: 1, sentinels: 3}\n"
         "  worker:\n"
         "    image: celery-worker\n"
         "    broker: cache\n"
         "    backend: cache\n"
         "    broker_url: \"{{cache.sentinel_url}}\"\n"
         "    backend_url: \"{{cache.sentinel_url}}\"\n"
         "    config:\n"
         "      broker_transport_options: {master_name: cache}\n"
         "      result_backend_transport_options: {master_name: cache}\n"
         "steps:\n"
         "  - wait: {ready: all, timeout: 90s}\n"
         "  - name: a task before the failover\n"
         "    exec: {service: worker, command: \"{{worker.python}} probe_client.py call probe.add 2 3 --expect 5 "
         "--timeout 30\", expect_exit: 0}\n"
         "  - fault: {redis-failover: {service: cache, mode: " + mode + "}}\n"
         "  - name: a task after the failover\n"
         "    exec: {service: worker, command: \"{{worker.python}} probe_client.py call probe.add 20 22 --expect 42 "
         "--timeout 60\", expect_exit: 0}\n"
         "checks:\n"
         "  - name: the sentinels name the same master\n"
         "    exec: {command: \"test $(for p in {{cache.sentinel_ports}}; do redis-cli -p $p SENTINEL "
         "get-master-addr-by-name {{cache.master_name}} | tail -1; done | sort -u | wc -l) = 1\"}\n"
         "  - log: {service: worker, contains: \"probe.add\\\\[[0-9a-f-]+\\\\] succeeded\", regex: true}\n";
}

std::vector<json> events(const std::filesystem::path& dir, const std::string& type) {
  std::vector<json> out;
  std::istringstream in(test::read_file(dir / "history.jsonl"));
  for (std::string line; std::getline(in, line);) {
    auto e = json::parse(line, nullptr, false);
    if (!e.is_discarded() && e.value("type", "") == type) out.push_back(e);
  }
  return out;
}

TEST(SentinelFailover, workers_follow_the_promoted_replica) {
  if (!test::have("/usr/bin/redis-server") || !test::have("/usr/bin/redis-sentinel"))
    GTEST_SKIP() << "redis-server or redis-sentinel not installed (scripts/install-deps)";
  if (!test::have("/usr/bin/python3")) GTEST_SKIP() << "python3 not installed (scripts/install-deps)";
  test::TempDir dir;
  const auto by_sentinel = dir.write("by-sentinel.yaml", sentinel_scenario("failover-by-sentinel", "sentinel"));
  const auto by_kill = dir.write("by-kill.yaml", sentinel_scenario("failover-by-kill", "kill"));
  const auto begin = std::chrono::steady_clock::now();
  const auto cli =
      test::run_cli({"run", by_sentinel.string(), by_kill.string(), "--report-dir", (dir.path() / "r").string()});
  std::cout << "[ sentinel ] both runs took "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count() << " s\n";
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  const auto run = test::latest_run(dir.path() / "r");
  const std::string junit = test::read_file(run / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("name=\"failover-by-sentinel\" tests=\"2\" failures=\"0\" errors=\"0\""));
  EXPECT_THAT(junit, HasSubstr("name=\"failover-by-kill\" tests=\"2\" failures=\"0\" errors=\"0\""));

  for (const std::string name : {"failover-by-sentinel", "failover-by-kill"}) {
    const auto starts = events(run / name, "fault.start");
    const auto ends = events(run / name, "fault.end");
    ASSERT_EQ(starts.size(), 1u) << name;
    ASSERT_EQ(ends.size(), 1u) << name;
    EXPECT_EQ(starts[0]["data"]["old_master"]["instance"], "cache") << name;
    const json& end = ends[0]["data"];
    EXPECT_EQ(end["observed"], true) << name;
    EXPECT_EQ(end["old_master"]["instance"], "cache") << name;
    EXPECT_EQ(end["new_master"]["instance"], "cache.replica-1") << name;
    EXPECT_EQ(end["role"], "master") << name;
    // The fault ends once a majority names the new master (2 of 3; the third may follow a moment later: a clean
    // CI run saw 2 after a kill).
    EXPECT_GE(end["sentinels_agreeing"].get<int>(), 2) << name;
    std::cout << "[ sentinel ] " << name << ": failover_ms " << end["failover_ms"] << "\n";
    for (int port : test::ports_of_run(run / name))
      EXPECT_FALSE(harness::process::is_listening(static_cast<std::uint16_t>(port))) << "port " << port << " open";
  }
  // Kill mode: the master was stopped by the fault (not a crash) and stays down.
  const auto stopped = events(run / "failover-by-kill", "service.stopped");
  ASSERT_FALSE(stopped.empty());
  EXPECT_EQ(stopped[0]["service"], "cache");
  EXPECT_EQ(events(run / "failover-by-kill", "fault.start")[0]["data"]["signal"], "SIGKILL");
}

// A sentinel learns a replica's state from its INFO (every 10 s); one that was ready before that answered
// SENTINEL FAILOVER with NOGOODSLAVE. Each round boots a fresh group and fails over the moment it is ready.
TEST(SentinelFailover, a_group_can_fail_over_as_soon_as_it_is_ready) {
  if (!test::have("/usr/bin/redis-server") || !test::have("/usr/bin/redis-sentinel"))
    GTEST_SKIP() << "redis-server or redis-sentinel not installed (scripts/install-deps)";
  constexpr int k_rounds = 10;
  for (int round = 1; round <= k_rounds; ++round) {
    test::TempDir dir;
    harness::driver::RunPaths paths{dir.path() / "work", dir.path() / "logs", dir.path() / "cache",
                                    "sentinel-ready-" + std::to_string(::getpid()) + "-" + std::to_string(round), {}};
    test::fs::create_directories(paths.logs_dir);
    test::fs::create_directories(paths.work_dir);
    harness::process::OwnerMark::set_run_id(paths.run_id);
    harness::scenario::Scenario scenario;
    scenario.name = "sentinel-ready";
    harness::scenario::Service cache;
    cache.name = "cache";
    cache.kind = harness::scenario::ServiceKind::k_redis;
    cache.redis_replicas = 1;
    cache.sentinels = 3;
    scenario.services = {cache};
    auto services = harness::driver::make_local_driver()->create_services(scenario, paths);
    ASSERT_TRUE(services.has_value()) << services.error().message();
    harness::util::RealClock clock;
    harness::history::History history(clock, dir.path() / "history.jsonl");
    harness::stack::RunControl control(clock, std::chrono::minutes{1});
    {
      harness::stack::Stack stack(std::move(services.value()), history, control, clock);
      const auto booted = stack.start_all(std::chrono::seconds{30});
      ASSERT_TRUE(booted.is_ok()) << booted.message();
      // A different sentinel each round: any of them may be asked.
      const std::string key = "cache.sentinel-" + std::to_string(1 + round % 3) + ".port";
      const auto port = static_cast<std::uint16_t>(std::stoi(stack.placeholders().at(key)));
      auto client = harness::datastore::RedisClient::connect(port, "", std::chrono::seconds{2});
      ASSERT_TRUE(client.has_value()) << client.error().message();
      auto reply = client->command({"SENTINEL", "FAILOVER", "cache"});
      ASSERT_TRUE(reply.has_value()) << reply.error().message();
      EXPECT_EQ(reply->str, "OK") << "round " << round << " of " << k_rounds << ", asked " << key;
      stack.stop_all();
    }
    harness::process::kill_run(paths.run_id);
  }
}

}  // namespace
