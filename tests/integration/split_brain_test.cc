// The Redis split-brain scenarios with real Redis servers and sentinels: a master partitioned from its sentinels,
// replicas and Sentinel-aware clients (partition ... cache.peers) loses the writes a pinned client made to it; with
// min-replicas-to-write it refuses them instead. Each property is also shown broken: the mitigation swapped in or
// out, the check that asserts it fails with the counts.
#include <gmock/gmock.h>

#include "harness/check/writes_check.h"
#include "harness/history/event_type.h"
#include "harness/history/history.h"
#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;

std::string scenario(const std::string& name) { return test::shipped(name).string(); }
using test::suite_header;

const std::string k_mitigation = "config: {min-replicas-to-write: 1, min-replicas-max-lag: 2}";

std::vector<harness::history::Event> history_of(const test::Run& run, const std::string& name) {
  auto events = harness::history::read_history(run.dir / name / "history.jsonl");
  EXPECT_TRUE(events) << events.error().message();
  return events ? *events : std::vector<harness::history::Event>{};
}

TEST(SplitBrain, the_old_masters_acknowledged_writes_are_lost_after_the_heal) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const std::string name = "redis-split-brain";
  const auto run = test::run_scenarios({scenario(name)}, dir.path());
  ASSERT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_THAT(run.junit, HasSubstr(suite_header(name, 3, 0)));
  const auto events = history_of(run, name);
  std::vector<nlohmann::json> cut;
  for (const auto& e : events)
    if (harness::history::is(e, harness::history::EventType::k_fault_start)) cut.push_back(e.data.at("cut"));
  EXPECT_EQ(cut, (std::vector<nlohmann::json>{nlohmann::json::array({"cache.peers -> cache"})}));
  const auto old = harness::check::last_writes_report(events, "old");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->at("acknowledged"), 60);
  EXPECT_EQ(old->at("lost"), 60);
}

// The property broken: with the mitigation the old master acknowledges nothing, so nothing is lost.
TEST(SplitBrain, with_min_replicas_to_write_the_loss_check_fails) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const std::string name = "redis-split-brain";
  const auto file = dir.write(name + ".yaml", test::replaced_in(scenario(name), "down_after: 2s}",
                                                                "down_after: 2s, " + k_mitigation + "}"));
  const auto run = test::run_scenarios({file.string()}, dir.path() / "reports");
  EXPECT_EQ(run.cli.exit_code, 1) << run.cli.output;
  EXPECT_THAT(run.junit, HasSubstr(suite_header(name, 3, 1)));
  EXPECT_THAT(run.junit, HasSubstr("acknowledged 0 (expected exactly 60); lost 0 (expected exactly 60)"));
}

TEST(SplitBrain, with_min_replicas_to_write_the_old_master_refuses_and_nothing_is_lost) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const std::string name = "redis-split-brain-min-replicas";
  const auto run = test::run_scenarios({scenario(name)}, dir.path());
  ASSERT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_THAT(run.junit, HasSubstr(suite_header(name, 3, 0)));
  const auto old = harness::check::last_writes_report(history_of(run, name), "old");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->at("errors"), (nlohmann::json{{"NOREPLICAS Not enough good replicas to write", 60}}));
}

// The property broken: without the mitigation the old master acknowledges the writes and loses them.
TEST(SplitBrain, without_min_replicas_to_write_the_refusal_check_fails) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const std::string name = "redis-split-brain-min-replicas";
  const auto file =
      dir.write(name + ".yaml", test::replaced_in(scenario(name), "    " + k_mitigation + "\n", ""));
  const auto run = test::run_scenarios({file.string()}, dir.path() / "reports");
  EXPECT_EQ(run.cli.exit_code, 1) << run.cli.output;
  EXPECT_THAT(run.junit, HasSubstr(suite_header(name, 3, 1)));
  EXPECT_THAT(run.junit,
              HasSubstr("acknowledged 60 (expected at most 0); failed 0 (expected exactly 60); lost 60 (expected at "
                        "most 0)"));
}

// A proxied group's sentinels name the initial master by its peers proxy's port: redis-failover still finds the
// instance behind it (and kill mode kills it), and a replica is promoted.
TEST(SplitBrain, a_proxied_groups_failover_finds_the_master_behind_its_peers_proxy) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("proxied-group-failover.yaml", R"(name: proxied-group-failover
timeout: 2m
services:
  cache: {image: redis, replicas: 1, sentinels: 3, network: proxied}
steps:
  - wait: {ready: all, timeout: 60s}
  - fault: {redis-failover: {service: cache, mode: kill}}
checks:
  - exec: {command: "redis-cli -p {{cache.replica-1.port}} -a {{cache.password}} --no-auth-warning role", output_contains: master}
)");
  const auto run = test::run_scenarios({file.string()}, dir.path() / "reports");
  ASSERT_EQ(run.cli.exit_code, 0) << run.cli.output;
  std::vector<nlohmann::json> old_masters;
  for (const auto& e : history_of(run, "proxied-group-failover"))
    if (harness::history::is(e, harness::history::EventType::k_fault_start))
      old_masters.push_back(e.data.at("old_master").at("instance"));
  EXPECT_EQ(old_masters, (std::vector<nlohmann::json>{"cache"}));
}

}  // namespace
