// Failed checks as GitHub Actions annotations at the check's line of the scenario file.
#include "harness/report/github_annotations.h"

#include <gtest/gtest.h>

namespace harness::report {
namespace {

using check::Outcome;
using check::Verdict;

scenario::Scenario scenario_with_checks() {
  scenario::Scenario s;
  s.name = "smoke";
  s.file = "scenarios/smoke.yaml";
  s.checks.push_back(scenario::Check{"workers answer ping", "exec", nullptr, {"scenarios/smoke.yaml", 31, 5}});
  s.checks.push_back(scenario::Check{"no crash", "log", nullptr, {"scenarios/smoke.yaml", 34, 5}});
  s.checks.push_back(scenario::Check{"delivery", "delivery", nullptr, {"scenarios/smoke.yaml", 36, 5}});
  return s;
}

TEST(GithubAnnotationsTest, a_failed_check_points_at_its_line) {
  const auto lines = github_annotations(
      scenario_with_checks(),
      {Verdict{"workers answer ping", "", Outcome::k_passed, "", {}, {}},
       Verdict{"no crash", "", Outcome::k_failed, "found 'CRASH REPORT' in logs/broker.log", "details", {}},
       Verdict{"delivery", "", Outcome::k_error, "ledger unreadable", {}, {}}});
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "::error file=scenarios/smoke.yaml,line=34,title=smoke%3A no crash::found 'CRASH REPORT' in "
                       "logs/broker.log",
                       "::error file=scenarios/smoke.yaml,line=36,title=smoke%3A delivery::ledger unreadable"}));
}

TEST(GithubAnnotationsTest, skipped_and_expected_failures_are_not_annotated) {
  EXPECT_TRUE(github_annotations(scenario_with_checks(),
                                 {Verdict{"no crash", "", Outcome::k_skipped, "not judged", {}, {}},
                                  Verdict{"delivery", "", Outcome::k_xfailed, "lost 3", {}, {}}})
                  .empty());
}

TEST(GithubAnnotationsTest, a_failed_step_points_at_the_step_line) {
  const auto lines = github_annotations(
      scenario_with_checks(), {Verdict{"step 3 (wait, line 12)", "", Outcome::k_failed, "not ready", {}, {}}});
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "::error file=scenarios/smoke.yaml,line=12,title=smoke%3A step 3 (wait%2C line 12)::not ready"}));
}

TEST(GithubAnnotationsTest, a_verdict_of_no_check_has_no_line_and_newlines_are_escaped) {
  const auto lines = github_annotations(
      scenario_with_checks(), {Verdict{"scenario timeout", "", Outcome::k_failed, "100% late\r\nreally", {}, {}}});
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "::error file=scenarios/smoke.yaml,title=smoke%3A scenario timeout::100%25 late%0D%0Areally"}));
}

TEST(GithubAnnotationsTest, a_setup_error_comes_first_without_a_line) {
  const auto lines = github_annotations(
      scenario_with_checks(), {Verdict{"no crash", "", Outcome::k_skipped, "not judged", {}, {}}},
      "service 'broker' did not start\nits log");
  EXPECT_EQ(lines, (std::vector<std::string>{"::error file=scenarios/smoke.yaml,title=smoke%3A scenario setup::service "
                                             "'broker' did not start%0Aits log"}));
}

TEST(GithubAnnotationsTest, only_github_actions_true_turns_them_on) {
  ::setenv("GITHUB_ACTIONS", "true", 1);
  EXPECT_TRUE(in_github_actions());
  ::setenv("GITHUB_ACTIONS", "false", 1);
  EXPECT_FALSE(in_github_actions());
  ::unsetenv("GITHUB_ACTIONS");
  EXPECT_FALSE(in_github_actions());
}

}  // namespace
}  // namespace harness::report
