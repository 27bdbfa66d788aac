#include "harness/report/summary_reader.h"

#include <gtest/gtest.h>

#include "harness/report/summary.h"

namespace {
using namespace std::chrono_literals;
using harness::check::Outcome;
using harness::check::Verdict;
using harness::report::ScenarioReport;
using harness::report::scenario_from_summary;

TEST(SummaryReader, a_scenario_comes_back_as_summary_json_wrote_it) {
  ScenarioReport s;
  s.name = "smoke";
  s.file = "scenarios/smoke.yaml";
  s.run_id = "run-1";
  s.expectation = "fail";
  s.started = std::chrono::system_clock::time_point{1'795'000'000'123ms};
  s.duration = 2'500ms;
  s.seed = 9;
  s.properties = {{"driver", "local"}};
  s.verdicts = {Verdict{"ping", "smoke.exec", Outcome::k_failed, "exited with 1", {}, {}},
                Verdict{"late", "smoke.check", Outcome::k_skipped, "not judged", {}, {}}};
  const auto json = harness::report::summary_json({s});
  const auto back = scenario_from_summary(json["scenarios"][0]);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->name, "smoke");
  EXPECT_EQ(back->file, "scenarios/smoke.yaml");
  EXPECT_EQ(back->run_id, "run-1");
  EXPECT_EQ(back->expectation, "fail");
  EXPECT_EQ(back->started, s.started);
  EXPECT_EQ(back->duration, 2'500ms);
  EXPECT_EQ(back->seed, 9u);
  EXPECT_EQ(back->properties, s.properties);
  ASSERT_EQ(back->verdicts.size(), 2u);
  EXPECT_EQ(back->verdicts[0].outcome, Outcome::k_failed);
  EXPECT_EQ(back->verdicts[0].message, "exited with 1");
  EXPECT_EQ(back->verdicts[1].classname, "smoke.check");
}

TEST(SummaryReader, an_unknown_outcome_is_named) {
  const auto back = scenario_from_summary(
      {{"name", "x"}, {"verdicts", {{{"name", "a"}, {"outcome", "passed"}}, {{"name", "b"}, {"outcome", "lost"}}}}});
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().message(), "verdict 2 has an unknown outcome 'lost'");
}

TEST(SummaryReader, a_missing_file_is_named) {
  const auto back = harness::report::read_scenario_summary("/nonexistent/summary.json");
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().message(), "cannot read /nonexistent/summary.json");
}

}  // namespace
