#include "harness/report/upgrade_report.h"

#include <gtest/gtest.h>

#include "harness/report/junit_writer.h"
#include "harness/report/summary.h"
#include "harness/report/summary_reader.h"

namespace {
using harness::check::Outcome;
using harness::check::Verdict;
using harness::report::ScenarioReport;
using namespace harness::report;

ScenarioReport on(const std::string& stack, const std::string& kombu, Outcome lost_outcome, std::string lost) {
  ScenarioReport r;
  r.name = "visibility";
  r.stack = stack;
  r.description = "Redelivery after the visibility timeout (kombu#1234).";
  r.properties = {{"stack", stack}, {"stack.kombu", kombu}, {"stack.redis", "7.0.15"}};
  r.verdicts = {Verdict{"nothing lost", "visibility.delivery", lost_outcome, std::move(lost), {}, {}},
                Verdict{"ping", "visibility.exec", Outcome::k_passed, "exited with 0", {}, {}}};
  return r;
}

std::vector<ScenarioReport> matrix() {
  return {on("bookworm", "5.2.4", Outcome::k_failed, "accepted 30, lost 2"),
          on("trixie", "5.5.3", Outcome::k_passed, "accepted 30, lost 0")};
}

TEST(UpgradeReport, a_check_whose_outcome_differs_between_stacks_is_marked_and_the_same_one_is_not) {
  const auto table = upgrade_table(matrix());
  ASSERT_EQ(table.stacks, (std::vector<std::string>{"bookworm", "trixie"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_TRUE(table.rows[0].differs);
  EXPECT_FALSE(table.rows[1].differs);
  ASSERT_EQ(table.scenarios.size(), 1u);
  EXPECT_TRUE(table.scenarios[0].differs);
}

TEST(UpgradeReport, the_markdown_lists_the_difference_with_both_figures_the_versions_and_the_description) {
  const std::string md = render_verdicts_markdown(upgrade_table(matrix()));
  EXPECT_NE(md.find("| kombu (changed) | 5.2.4 | 5.5.3 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| redis | 7.0.15 | 7.0.15 |"), std::string::npos) << md;
  EXPECT_NE(md.find("## Differences (1 check(s))"), std::string::npos) << md;
  EXPECT_NE(md.find("| ≠ visibility | nothing lost | **failed**: accepted 30, lost 2 | **passed**: accepted 30, lost 0 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("(kombu#1234)"), std::string::npos) << md;
  EXPECT_NE(md.find("| visibility | ping | **passed**: exited with 0 | **passed**: exited with 0 |"), std::string::npos)
      << md;
}

TEST(UpgradeReport, a_check_judged_on_one_stack_only_differs_and_pipes_in_messages_are_escaped) {
  auto reports = matrix();
  reports[0].verdicts[0].outcome = Outcome::k_passed;
  reports[1].verdicts[0].outcome = Outcome::k_passed;
  reports[1].verdicts.pop_back();  // "ping" not in the trixie run
  reports[0].verdicts[1].message = "a|b";
  const auto table = upgrade_table(reports);
  EXPECT_FALSE(table.rows[0].differs);
  EXPECT_TRUE(table.rows[1].differs);
  const std::string md = render_verdicts_markdown(table);
  EXPECT_NE(md.find("**passed**: a\\|b | - |"), std::string::npos) << md;
}

TEST(UpgradeReport, a_scenario_whose_checks_are_all_skipped_on_a_stack_is_skipped_there_not_passed) {
  auto reports = matrix();
  for (auto& v : reports[0].verdicts) v.outcome = Outcome::k_skipped;
  const std::string md = render_verdicts_markdown(upgrade_table(reports));
  EXPECT_NE(md.find("| ≠ visibility | skipped in 0.0 s | passed in 0.0 s |"), std::string::npos) << md;
}

TEST(UpgradeReport, one_stack_is_not_a_matrix_and_summary_json_has_no_upgrade_section) {
  auto reports = matrix();
  EXPECT_TRUE(is_matrix(reports));
  reports.pop_back();
  EXPECT_FALSE(is_matrix(reports));
  EXPECT_FALSE(summary_json(reports).contains("upgrade"));
}

TEST(UpgradeReport, summary_json_of_a_matrix_run_has_the_upgrade_section_and_each_scenarios_stack) {
  const auto json = summary_json(matrix());
  ASSERT_TRUE(json.contains("upgrade"));
  EXPECT_EQ(json["upgrade"]["differences"], 1);
  EXPECT_EQ(json["upgrade"]["versions"]["kombu"]["trixie"], "5.5.3");
  EXPECT_EQ(json["upgrade"]["checks"][0]["by_stack"]["bookworm"]["outcome"], "failed");
  EXPECT_EQ(json["scenarios"][1]["stack"], "trixie");
  EXPECT_EQ(json["scenarios"][1]["verdicts"][0]["classname"], "trixie.visibility.delivery");
  // Read back (report RUN_DIR), the classname is the judge's again and the stack kept.
  auto back = scenario_from_summary(json["scenarios"][1]);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->stack, "trixie");
  EXPECT_EQ(back->verdicts[0].classname, "visibility.delivery");
}

TEST(UpgradeReport, junit_names_each_testsuite_with_its_stack_and_starts_its_classnames_with_it) {
  const std::string xml = render_junit(matrix());
  EXPECT_NE(xml.find("testsuite name=\"visibility [bookworm]\""), std::string::npos);
  EXPECT_NE(xml.find("testsuite name=\"visibility [trixie]\""), std::string::npos);
  EXPECT_NE(xml.find("classname=\"trixie.visibility.delivery\""), std::string::npos);
  EXPECT_NE(xml.find("<property name=\"stack.kombu\" value=\"5.5.3\""), std::string::npos);
}

}  // namespace
