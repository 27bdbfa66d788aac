// celery beat as a service kind, on the real services: it sends on schedule, each send is a beat.sent event and its
// execution carries the tick; the shipped beat scenarios pass, and each one's check fails where the property it
// asserts is broken (one beat: no duplicated tick; no rollout: no missed tick; no overlap: no duplicate).
#include <gmock/gmock.h>


#include <nlohmann/json.hpp>

#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;
using test::edited;
using test::shipped;

const std::string k_two = "beat-two-replicas-duplicate-ticks";
const std::string k_recreate = "beat-rollout-recreate-missed-ticks";
const std::string k_rolling = "beat-rollout-rolling-update-duplicates";
const std::string k_unmigrated = "beat-database-scheduler-unmigrated";
const std::string k_migrated = "beat-database-scheduler-migrated";

// The History's events of `type` in `path`.
std::vector<nlohmann::json> events_of(const test::fs::path& path, const std::string& type) {
  std::vector<nlohmann::json> out;
  for (auto& event : test::json_lines(path))
    if (event.is_object() && event.value("type", "") == type) out.push_back(std::move(event));
  return out;
}

TEST(Beat, one_beat_sends_each_tick_once_and_every_send_is_recorded) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto one = dir.write("one-beat.yaml", edited(k_two, {{"name: beat-two-replicas-duplicate-ticks", "name: one-beat"},
                                                            {"replicas: 2", "replicas: 1"},
                                                            {"tick_duplicates: \">=3\"", "tick_duplicates: 0"}}));
  const auto run = test::run_scenarios({one.string()}, dir.path() / "runs");
  ASSERT_EQ(run.cli.exit_code, 0) << run.cli.output;
  const auto sends = events_of(run.dir / "one-beat" / "history.jsonl", "beat.sent");
  ASSERT_GE(sends.size(), 10u);
  for (const auto& send : sends) {
    EXPECT_EQ(send["service"], "beat.1") << send.dump();
    EXPECT_EQ(send["data"]["entry"], "tick");
    EXPECT_EQ(send["data"]["period_ms"], 1000);
    EXPECT_EQ(send["data"]["tick"].get<std::int64_t>() % 1000, 0) << send.dump();  // aligned to the period
  }
  // One send a tick, one tick after the other.
  for (std::size_t i = 1; i < sends.size(); ++i)
    EXPECT_EQ(sends[i]["data"]["tick"].get<std::int64_t>() - sends[i - 1]["data"]["tick"].get<std::int64_t>(), 1000);
  // The executions carry their send's entry and tick.
  std::size_t ticked = 0;
  for (const auto& execution : test::json_lines(run.dir / "one-beat" / "ledger.jsonl"))
    if (execution.is_object() && execution.value("beat_entry", "") == "tick" && execution.contains("tick")) ++ticked;
  EXPECT_GE(ticked, 10u);
}

TEST(Beat, the_shipped_scenarios_see_what_their_descriptions_say) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto runs = test::run_in_parallel({{shipped(k_two).string(), shipped(k_recreate).string()},
                                           {shipped(k_rolling).string(), shipped(k_unmigrated).string(),
                                            shipped(k_migrated).string()}},
                                          dir.path());
  for (const auto& run : runs) EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output << run.junit;
}

TEST(Beat, their_checks_fail_where_the_property_is_broken) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  // One beat: no tick runs twice.
  const auto one = dir.write(k_two + ".yaml", edited(k_two, {{"replicas: 2", "replicas: 1"}}));
  // No rollout: no gap, no missed tick.
  const auto no_gap = dir.write(k_recreate + ".yaml",
                                edited(k_recreate, {{"    fault: {pause: beat}\n    for: 4s\n",
                                                     "    wait: {executed: 4, timeout: 30s}\n"}}));
  // No new beat beside the old: no overlap, no duplicate.
  const auto no_overlap = dir.write(
      k_rolling + ".yaml",
      edited(k_rolling, {{"  beat-new:\n    image: celery-beat\n    broker: queue\n    schedule:\n"
                          "      - {name: tick, task: probe.record, every: 1s}\n",
                          ""}}));
  // The exec step only lists the migrations instead of applying them: the beat crash-loops, nothing is ever sent.
  const auto unmigrated = dir.write(
      k_migrated + ".yaml",
      edited(k_migrated, {{"  - name: migrate django_celery_beat\n    exec:\n", "  - exec:\n"},
                          {"django migrate django_celery_beat", "django showmigrations django_celery_beat"},
                          {"  - wait: {executed: 4, timeout: 60s}", "  - wait: {executed: 4, timeout: 15s}"}}));
  const auto runs = test::run_in_parallel({{one.string(), no_gap.string()}, {no_overlap.string(), unmigrated.string()}},
                                          dir.path() / "runs");
  for (const auto& run : runs) EXPECT_EQ(run.cli.exit_code, 1) << run.cli.output;
  EXPECT_THAT(runs[0].junit, HasSubstr("tick duplicates 0 of "));
  EXPECT_THAT(runs[0].junit, HasSubstr("(expected at least 3)"));
  EXPECT_THAT(runs[0].junit, HasSubstr("missed ticks 0 of "));
  EXPECT_THAT(runs[0].junit, HasSubstr("(expected at least 2)"));
  EXPECT_THAT(runs[1].junit, HasSubstr("tick duplicates 0 of "));
  EXPECT_THAT(runs[1].junit, HasSubstr("task executions after 15 s (expected at least 4)"));
}

}  // namespace
