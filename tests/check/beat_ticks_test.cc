// celery beat's ticks: duplicates and missed ticks from sends and executions, the delivery check's messages on them,
// and reading them from a run's files.
#include "harness/check/beat_ticks.h"

#include <gtest/gtest.h>

#include <fstream>

#include "harness/check/delivery_check.h"
#include "tests/process/process_test_util.h"

namespace harness::check {
namespace {

TickSend send(std::int64_t tick, const std::string& beat, std::optional<std::int64_t> period = 1000) {
  return {"tick", tick, period, beat};
}
TickExecution run(std::int64_t tick, const std::string& id) { return {"tick", tick, id, "w@x"}; }

TEST(BeatTicksTest, two_beats_sending_the_same_tick_are_a_duplicate) {
  const auto a = analyse_ticks({send(1000, "beat.1"), send(1000, "beat.2"), send(2000, "beat.1")},
                               {run(1000, "a"), run(1000, "b"), run(2000, "c")});
  EXPECT_EQ(a.ticks, 2u);
  ASSERT_EQ(a.duplicates.size(), 1u);
  EXPECT_EQ(a.duplicates[0].tick, 1000);
  EXPECT_EQ(a.duplicates[0].executions, 2u);
  EXPECT_EQ(a.duplicates[0].beats, (std::vector<std::string>{"beat.1", "beat.2"}));
  EXPECT_TRUE(a.missed.empty());
}

TEST(BeatTicksTest, a_slot_between_the_first_and_last_tick_with_nothing_is_missed) {
  const auto a = analyse_ticks({send(1000, "beat.1"), send(4000, "beat.1")}, {run(1000, "a"), run(2000, "b")});
  EXPECT_EQ(a.missed, (std::vector<std::pair<std::string, std::int64_t>>{{"tick", 3000}}));
  EXPECT_TRUE(a.duplicates.empty());
  EXPECT_EQ(a.ticks, 3u);
}

TEST(BeatTicksTest, a_crontab_entry_has_no_missed_ticks) {
  const auto a = analyse_ticks({send(60000, "beat.1", std::nullopt), send(240000, "beat.1", std::nullopt)}, {});
  EXPECT_TRUE(a.missed.empty());
}

TEST(BeatTicksTest, the_delivery_check_lists_duplicated_and_missed_ticks) {
  const auto a = analyse_ticks({send(1795842927000, "beat.1"), send(1795842927000, "beat.2"),
                                send(1795842930000, "beat.1")},
                               {run(1795842927000, "a"), run(1795842927000, "b")});
  DeliveryParams check;
  check.tick_duplicates = scenario::CountBound{scenario::CountBound::Op::k_le, 0};
  EXPECT_EQ(tick_failures(check, a),
            (std::vector<std::string>{
                "tick duplicates 1 of 2 ticks (expected at most 0): tick@1795842927.000 x2 (beat.1, beat.2)",
                "missed ticks 2 of 2 ticks (expected at most 0): tick@1795842928.000, tick@1795842929.000"}));
  check.tick_duplicates = scenario::CountBound{scenario::CountBound::Op::k_ge, 1};
  check.missed_ticks = scenario::CountBound{scenario::CountBound::Op::k_ge, 2};
  EXPECT_TRUE(tick_failures(check, a).empty());
  EXPECT_EQ(tick_summary(a), "2 ticks (3 sends, 2 executions), tick duplicates 1, missed ticks 2");
}

TEST(BeatTicksTest, ticks_are_read_from_beat_sent_events_and_ledger_lines) {
  process_test::TempPath dir{"ticks"};
  std::filesystem::create_directories(dir.path());
  std::ofstream(dir.path() / "history.jsonl")
      << R"({"t":1,"time":"x","type":"step.begin","data":{}})" "\n"
      << R"({"t":2,"time":"x","type":"beat.sent","service":"beat.1","data":{"entry":"tick","tick":2000,"period_ms":1000,"beat":"beat.1","task_id":"a"}})" "\n";
  std::ofstream(dir.path() / "ledger.jsonl")
      << R"({"task_id":"z","task":"probe.record","worker":"w"})" "\n"
      << R"({"task_id":"a","task":"probe.record","worker":"w","beat_entry":"tick","tick":2000})" "\n";
  auto input = read_ticks(dir.path() / "history.jsonl", dir.path() / "ledger.jsonl");
  ASSERT_TRUE(input) << input.error().message();
  ASSERT_EQ(input->sends.size(), 1u);
  EXPECT_EQ(input->sends[0].beat, "beat.1");
  EXPECT_EQ(input->sends[0].period_ms, 1000);
  ASSERT_EQ(input->executions.size(), 1u);
  EXPECT_EQ(input->executions[0].task_id, "a");
  std::ofstream(dir.path() / "history.jsonl", std::ios::app) << "not json\n";
  EXPECT_EQ(read_ticks(dir.path() / "history.jsonl", dir.path() / "ledger.jsonl").error().message(),
            (dir.path() / "history.jsonl").string() + " line 3: not a JSON object");
}

}  // namespace
}  // namespace harness::check
