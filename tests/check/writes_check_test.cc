// The writes check on hand-made histories: the last `{"writes": ...}` line of its prefix in the exec.result
// outputs, held to its bounds, with the exact messages; and its reader.
#include "harness/check/writes_check.h"

#include <gtest/gtest.h>

#include "tests/check/instance_history_test_util.h"
#include "tests/scenario/scenario_test_util.h"

namespace {
using harness::check::Outcome;
using harness::check::testing::ev;
using harness::scenario::CountBound;

harness::history::Event exec_output(double t, const std::string& output) {
  return ev(t, "exec.result", "", {{"id", "step 8"}, {"exit_code", 0}, {"output", output}});
}

// A split brain as redis-split-brain records it: three writers verified in one exec step's output.
std::vector<harness::history::Event> split_brain() {
  return {
      exec_output(9.4, "{\"wrote\": {\"prefix\": \"old\", \"acknowledged\": 60, \"failed\": 0}}\n"),
      exec_output(42.4,
                  "{\"writes\": {\"prefix\": \"before\", \"acknowledged\": 20, \"failed\": 0, \"present\": 20, "
                  "\"lost\": 0}}\n"
                  "{\"writes\": {\"prefix\": \"old\", \"acknowledged\": 60, \"failed\": 0, \"present\": 0, "
                  "\"lost\": 60}}\n"
                  "not json {\"writes\"\n"),
  };
}

harness::check::WritesParams writes(const std::string& prefix, std::optional<CountBound> acknowledged,
                                    std::optional<CountBound> failed, std::optional<CountBound> lost) {
  harness::check::WritesParams params;
  params.prefix = prefix;
  params.acknowledged = acknowledged;
  params.failed = failed;
  params.lost = lost;
  return params;
}

constexpr CountBound exactly(std::int64_t n) { return {CountBound::Op::k_eq, n}; }
constexpr CountBound at_most(std::int64_t n) { return {CountBound::Op::k_le, n}; }

TEST(WritesCheck, reads_the_report_of_its_prefix_only) {
  const auto report = harness::check::last_writes_report(split_brain(), "old");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->at("lost"), 60);
  EXPECT_FALSE(harness::check::last_writes_report(split_brain(), "new"));
}

TEST(WritesCheck, passes_when_every_count_holds_and_says_the_counts) {
  const auto v = harness::check::judge_writes(writes("old", exactly(60), at_most(0), exactly(60)), "w", "s.w",
                                              split_brain());
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "'old': acknowledged 60, failed 0, lost 60");
}

// The property broken (the old master refused the writes, as with min-replicas-to-write): nothing acknowledged,
// nothing lost, and both bounds named.
TEST(WritesCheck, fails_naming_each_count_out_of_its_bound) {
  auto history = split_brain();
  history.push_back(exec_output(50.0,
                                "{\"writes\": {\"prefix\": \"old\", \"acknowledged\": 0, \"failed\": 60, "
                                "\"present\": 0, \"lost\": 0}}\n"));
  const auto v =
      harness::check::judge_writes(writes("old", exactly(60), std::nullopt, exactly(60)), "w", "s.w", history);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "'old': acknowledged 0 (expected exactly 60); lost 0 (expected exactly 60)");
}

TEST(WritesCheck, without_a_report_is_an_error) {
  const auto v =
      harness::check::judge_writes(writes("new", std::nullopt, std::nullopt, at_most(0)), "w", "s.w", split_brain());
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no exec step printed a writes report for prefix 'new': nothing to judge");
}

TEST(WritesCheck, reads_prefix_and_bounds_and_names_itself) {
  const std::string head = "name: t\nservices:\n  cache: {image: redis}\nsteps:\n  - wait: 1s\nchecks:\n";
  const auto s = harness::scenario::testing::load_ok(head + "  - writes: {prefix: old, lost: \">0\"}\n");
  ASSERT_EQ(s.checks.size(), 1u);
  EXPECT_EQ(s.checks[0].name, "writes old lost > 0");
  EXPECT_EQ(harness::scenario::testing::load_errors(head + "  - writes: {lost: 0, lots: 1}\n"),
            (std::vector<std::string>{"test.yaml:7:13: missing required key 'prefix' in writes check",
                                      "test.yaml:7:23: unknown key 'lots' in writes check (did you mean 'lost'?)"}));
}

}  // namespace
