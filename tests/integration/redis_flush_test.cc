// The redis-flush fault on a real Redis: keys set, the fault applied, the keys gone; fault.start records how many
// there were (DBSIZE before) and that DBSIZE was 0 after.
#include <gmock/gmock.h>

#include "harness/history/event_type.h"
#include "harness/history/history.h"
#include "tests/integration/cli_harness.h"

namespace {

const std::string k_cli = "redis-cli -h {{cache.host}} -p {{cache.port}} -a {{cache.password}} --no-auth-warning";

const std::string k_scenario = R"(name: redis-flush
timeout: 2m
services:
  cache: {image: redis}
steps:
  - wait: {ready: all, timeout: 60s}
  - name: keys-set
    exec: {command: ")" + k_cli + R"( MSET a 1 b 2 c 3", expect_exit: 0}
  - fault: {redis-flush: {service: cache}}
  - name: keys-gone
    exec: {command: "test \"$()" + k_cli + R"( EXISTS a b c)\" = 0", expect_exit: 0}
)";

TEST(FaultsRedisFlush, flushes_every_key_and_records_how_many_there_were) {
  if (!test::have("/usr/bin/redis-server")) GTEST_SKIP() << "redis-server not installed (scripts/install-deps)";
  test::TempDir dir;
  const auto file = dir.write("redis-flush.yaml", k_scenario);
  const auto reports = dir.path() / "reports";
  const auto cli = test::run_cli({"run", file.string(), "--report-dir", reports.string()}, std::chrono::seconds{120});
  ASSERT_EQ(cli.exit_code, 0) << cli.output;  // the exec steps' expect_exit held: keys set, then gone
  auto events = harness::history::read_history(test::latest_run(reports) / "redis-flush" / "history.jsonl");
  ASSERT_TRUE(events) << events.error().message();
  std::vector<harness::history::Event> starts;
  for (const auto& e : *events)
    if (harness::history::is(e, harness::history::EventType::k_fault_start)) starts.push_back(e);
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].service, "cache");
  EXPECT_EQ(starts[0].data["kind"], "redis-flush");
  EXPECT_EQ(starts[0].data["keys_before"], 3);
  EXPECT_EQ(starts[0].data["keys_after"], 0);
  EXPECT_EQ(starts[0].data["observed"], true);
}

}  // namespace
