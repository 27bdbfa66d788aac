// The console's result lines: a scenario's, --quiet's, and the run's closing totals.
#include "harness/report/console_report.h"

#include <gtest/gtest.h>

#include <sstream>

namespace harness::report {
namespace {

using namespace std::chrono_literals;
using check::Outcome;
using check::Verdict;

ScenarioReport scenario(const std::string& name, std::vector<Outcome> outcomes, std::chrono::milliseconds duration) {
  ScenarioReport s;
  s.name = name;
  s.duration = duration;
  for (const auto o : outcomes) s.verdicts.push_back(Verdict{"check", "", o, "why", {}, {}});
  return s;
}

TEST(ConsoleReportTest, a_scenario_result_shows_a_rounded_duration) {
  std::ostringstream out;
  print_scenario_result(out, "smoke", "passed", 6'313ms);
  print_scenario_result(out, "slow", "FAILED", 842'400ms);
  EXPECT_EQ(out.str(), "smoke: passed in 6.3 s\nslow: FAILED in 14 min 2 s\n");
}

TEST(ConsoleReportTest, scenarios_are_classed_by_their_worst_verdict) {
  EXPECT_EQ(classify(scenario("a", {Outcome::k_passed, Outcome::k_skipped, Outcome::k_xfailed}, 1s)),
            ScenarioClass::k_passed);
  EXPECT_EQ(classify(scenario("a", {Outcome::k_passed, Outcome::k_failed}, 1s)), ScenarioClass::k_failed);
  EXPECT_EQ(classify(scenario("a", {Outcome::k_failed, Outcome::k_error}, 1s)), ScenarioClass::k_error);
  ScenarioReport setup = scenario("a", {Outcome::k_skipped}, 1s);
  setup.error = "service 'broker' did not start";
  EXPECT_EQ(classify(setup), ScenarioClass::k_error);
  ScenarioReport not_run = scenario("a", {Outcome::k_skipped}, 0s);
  not_run.not_run = "not run: the run was interrupted by SIGINT before this scenario started";
  EXPECT_EQ(classify(not_run), ScenarioClass::k_skipped);
}

TEST(ConsoleReportTest, quiet_line_is_position_name_result_and_duration) {
  EXPECT_EQ(quiet_line("[3/27]", scenario("disk-alarm-during-load", {Outcome::k_passed}, 6'313ms)),
            "[3/27] disk-alarm-during-load: passed in 6.3 s");
  EXPECT_EQ(quiet_line("[4/27]", scenario("bad", {Outcome::k_failed}, 61'000ms)), "[4/27] bad: FAILED in 1 min 1 s");
  ScenarioReport not_run = scenario("later", {Outcome::k_skipped}, 0s);
  not_run.not_run = "not run";
  EXPECT_EQ(quiet_line("[5/27]", not_run), "[5/27] later: SKIPPED");
}

TEST(ConsoleReportTest, totals_count_scenarios_and_the_whole_time) {
  std::vector<ScenarioReport> run;
  for (int i = 0; i < 25; ++i) run.push_back(scenario("ok", {Outcome::k_passed}, 1s));
  run.push_back(scenario("bad", {Outcome::k_failed}, 1s));
  run.push_back(scenario("broken", {Outcome::k_error}, 1s));
  EXPECT_EQ(totals_line(run, 842'400ms), "25 passed, 1 failed, 1 error, 0 skipped in 14 min 2 s");
  run.push_back(scenario("broken-too", {Outcome::k_error}, 1s));
  EXPECT_EQ(totals_line(run, 5'000ms), "25 passed, 1 failed, 2 errors, 0 skipped in 5.0 s");
  EXPECT_EQ(totals_line({}, 0ms), "0 passed, 0 failed, 0 errors, 0 skipped in 0.0 s");
}

}  // namespace
}  // namespace harness::report
