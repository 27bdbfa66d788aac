// --repeat N: the repeats of a scenario as one report; a check that passed in some repeats only is flaky.
#include "harness/report/repeats.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <algorithm>
#include <sstream>

#include "harness/report/console_report.h"
#include "harness/report/junit_writer.h"
#include "harness/report/summary.h"

namespace harness::report {
namespace {

using namespace std::chrono_literals;
using check::Outcome;
using check::Verdict;

ScenarioReport repeat(std::uint64_t seed, std::vector<Verdict> verdicts) {
  ScenarioReport s;
  s.name = "flaky";
  s.file = "scenarios/flaky.yaml";
  s.seed = seed;
  s.duration = 2s;
  s.verdicts = std::move(verdicts);
  return s;
}

Verdict v(const std::string& name, Outcome outcome, const std::string& message = {}) {
  return Verdict{name, "flaky.exec", outcome, message, {}, 10ms};
}

TEST(RepeatsTest, a_single_run_is_left_as_it_is) {
  const auto one = repeat(7, {v("a", Outcome::k_failed, "no")});
  const auto joined = aggregate_repeats({one});
  EXPECT_EQ(joined.repeats, 1);
  EXPECT_TRUE(joined.repeat_stats.empty());
  EXPECT_EQ(joined.verdicts[0].message, "no");
}

TEST(RepeatsTest, a_check_passing_in_some_repeats_and_failing_in_others_is_flaky_with_its_pass_rate) {
  const auto joined = aggregate_repeats({repeat(7, {v("steady", Outcome::k_passed), v("odd", Outcome::k_failed, "exit 1")}),
                                         repeat(8, {v("steady", Outcome::k_passed), v("odd", Outcome::k_passed)}),
                                         repeat(9, {v("steady", Outcome::k_passed), v("odd", Outcome::k_failed, "exit 3")})});
  EXPECT_EQ(joined.repeats, 3);
  EXPECT_EQ(joined.duration, 6s);
  ASSERT_EQ(joined.verdicts.size(), 2u);
  ASSERT_EQ(joined.repeat_stats.size(), 2u);
  EXPECT_EQ(joined.verdicts[0].outcome, Outcome::k_passed);
  EXPECT_FALSE(joined.repeat_stats[0].flaky);
  EXPECT_EQ(joined.repeat_stats[0].passes, 3);
  EXPECT_EQ(joined.verdicts[0].duration, 30ms);
  EXPECT_EQ(joined.verdicts[1].outcome, Outcome::k_failed);
  EXPECT_TRUE(joined.repeat_stats[1].flaky);
  EXPECT_EQ(joined.repeat_stats[1].runs, 3);
  EXPECT_EQ(joined.repeat_stats[1].passes, 1);
  EXPECT_EQ(joined.verdicts[1].message, "flaky: passed in 1 of 3 repeats (33%); repeat 1: exit 1");
  EXPECT_EQ(joined.verdicts[1].details, "repeat 1: failed: exit 1\nrepeat 2: passed\nrepeat 3: failed: exit 3\n");
  EXPECT_FALSE(passed(joined));
  const auto& properties = joined.properties;
  EXPECT_NE(std::find(properties.begin(), properties.end(), std::pair<std::string, std::string>{"seeds", "7 8 9"}),
            properties.end());
}

TEST(RepeatsTest, failing_in_every_repeat_is_a_failure_not_flaky) {
  const auto joined = aggregate_repeats({repeat(1, {v("a", Outcome::k_failed, "exit 1")}),
                                         repeat(2, {v("a", Outcome::k_failed, "exit 2")})});
  EXPECT_EQ(joined.verdicts[0].outcome, Outcome::k_failed);
  EXPECT_EQ(joined.verdicts[0].message, "exit 1");
  EXPECT_FALSE(joined.repeat_stats[0].flaky);
  EXPECT_EQ(joined.repeat_stats[0].passes, 0);
}

TEST(RepeatsTest, an_error_in_one_repeat_is_the_worst_outcome_not_flaky) {
  const auto joined = aggregate_repeats({repeat(1, {v("a", Outcome::k_passed)}),
                                         repeat(2, {v("a", Outcome::k_error, "ledger unreadable")})});
  EXPECT_EQ(joined.verdicts[0].outcome, Outcome::k_error);
  EXPECT_EQ(joined.verdicts[0].message, "repeat 2: ledger unreadable");
  EXPECT_FALSE(joined.repeat_stats[0].flaky);
}

TEST(RepeatsTest, repeats_that_never_started_are_left_out) {
  auto not_run = repeat(0, {v("a", Outcome::k_skipped, "not run")});
  not_run.not_run = "not run: interrupted";
  const auto joined = aggregate_repeats({repeat(1, {v("a", Outcome::k_passed)}), not_run});
  EXPECT_EQ(joined.repeats, 1);
  EXPECT_EQ(joined.verdicts[0].outcome, Outcome::k_passed);
  EXPECT_TRUE(joined.not_run.empty());
}

TEST(RepeatsTest, a_flaky_check_shows_in_junit_summary_and_console) {
  const auto joined = aggregate_repeats({repeat(7, {v("odd", Outcome::k_failed, "exit 1")}),
                                         repeat(8, {v("odd", Outcome::k_passed)})});
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(render_junit({joined}).c_str()));
  const auto testcase = doc.child("testsuites").child("testsuite").child("testcase");
  EXPECT_STREQ(testcase.child("properties").find_child_by_attribute("property", "name", "flaky").attribute("value").value(),
               "true");
  EXPECT_STREQ(
      testcase.child("properties").find_child_by_attribute("property", "name", "pass_rate").attribute("value").value(),
      "1/2");
  EXPECT_STREQ(testcase.child("failure").attribute("message").value(),
               "flaky: passed in 1 of 2 repeats (50%); repeat 1: exit 1");
  EXPECT_STREQ(testcase.child("system-out").text().get(), "flaky: passed in 1 of 2 repeats (50%)\n");

  const auto summary = summary_json({joined});
  EXPECT_EQ(summary["counts"]["flaky"], 1);
  EXPECT_EQ(summary["scenarios"][0]["repeats"], 2);
  const auto& verdict = summary["scenarios"][0]["verdicts"][0];
  EXPECT_EQ(verdict["flaky"], true);
  EXPECT_EQ(verdict["pass_rate"], 0.5);
  EXPECT_EQ(verdict["passes"], 1);
  EXPECT_EQ(verdict["repeats"], 2);

  std::ostringstream console;
  print_flaky(console, joined);
  EXPECT_EQ(console.str(), "  FLAKY odd: passed in 1 of 2 repeats (50%)\n");
  EXPECT_EQ(totals_line({joined}, 4s), "0 passed, 1 failed (1 flaky), 0 errors, 0 skipped in 4.0 s");
}

TEST(RepeatsTest, a_single_run_has_no_repeat_keys_in_the_summary) {
  const auto summary = summary_json({repeat(7, {v("a", Outcome::k_passed)})});
  EXPECT_FALSE(summary["counts"].contains("flaky"));
  EXPECT_FALSE(summary["scenarios"][0].contains("repeats"));
  EXPECT_FALSE(summary["scenarios"][0]["verdicts"][0].contains("flaky"));
}

}  // namespace
}  // namespace harness::report
