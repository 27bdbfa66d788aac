#include "harness/report/summary.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using harness::check::Outcome;
using harness::check::Verdict;
using harness::report::ScenarioReport;
using harness::report::summary_json;
using nlohmann::json;

ScenarioReport passing() {
  ScenarioReport s;
  s.name = "smoke";
  s.file = "scenarios/smoke.yaml";
  s.run_id = "run-1";
  s.started = std::chrono::system_clock::time_point{1'795'000'000'123ms};
  s.duration = 2'500ms;
  s.seed = 9;
  s.properties = {{"driver", "local"}};
  s.verdicts = {Verdict{"ping", "smoke.exec", Outcome::k_passed, "exited with 0", {}, {}},
                Verdict{"health", "", Outcome::k_skipped, "no health data", {}, {}}};
  return s;
}

ScenarioReport failing() {
  ScenarioReport s;
  s.name = "pidbox";
  s.verdicts = {Verdict{"logs", "pidbox.log", Outcome::k_failed, "expected 'x' in broker log", "details", {}}};
  return s;
}

ScenarioReport broken() {
  ScenarioReport s;
  s.name = "broken";
  s.error = "service 'broker' was not ready within 30s";
  s.verdicts = {Verdict{"ping", "broken.exec", Outcome::k_skipped, "not judged: a service did not start", {}, {}}};
  return s;
}

TEST(Summary, describes_each_scenario_for_scripts) {
  const json summary = summary_json({passing()});
  const json expected = json::parse(R"({
    "passed": true,
    "counts": {"scenarios": 1, "passed": 1, "tests": 2, "failures": 0, "errors": 0, "skipped": 1, "xfailed": 0},
    "scenarios": [{
      "name": "smoke", "file": "scenarios/smoke.yaml", "run_id": "run-1", "passed": true, "expect": "pass",
      "started": "2026-11-18T11:06:40.123Z", "duration_s": 2.5, "seed": 9,
      "counts": {"tests": 2, "failures": 0, "errors": 0, "skipped": 1, "xfailed": 0},
      "properties": {"driver": "local"},
      "verdicts": [
        {"name": "ping", "classname": "smoke.exec", "outcome": "passed", "message": "exited with 0"},
        {"name": "health", "classname": "smoke.check", "outcome": "skipped", "message": "no health data"}
      ]
    }]
  })");
  EXPECT_EQ(summary, expected) << summary.dump(2);
}

TEST(Summary, a_failed_check_fails_the_scenario_and_the_run) {
  const json summary = summary_json({passing(), failing()});
  EXPECT_FALSE(summary["passed"]);
  EXPECT_EQ(summary["counts"]["passed"], 1);
  EXPECT_TRUE(summary["scenarios"][0]["passed"]);
  EXPECT_FALSE(summary["scenarios"][1]["passed"]);
  EXPECT_EQ(summary["scenarios"][1]["verdicts"][0]["outcome"], "failed");
  EXPECT_FALSE(summary["scenarios"][1].contains("error"));
}

TEST(Summary, an_infrastructure_error_is_reported_and_counted_as_junit_does) {
  const json scenario = summary_json({broken()})["scenarios"][0];
  EXPECT_FALSE(scenario["passed"]);
  EXPECT_EQ(scenario["error"], "service 'broker' was not ready within 30s");
  EXPECT_EQ(scenario["counts"], json::parse(R"({"tests": 2, "failures": 0, "errors": 1, "skipped": 1, "xfailed": 0})"));
}

TEST(Summary, no_scenarios_is_a_passing_empty_run) {
  const json summary = summary_json({});
  EXPECT_TRUE(summary["passed"]);
  EXPECT_EQ(summary["scenarios"], json::array());
}

TEST(Summary, an_interrupted_run_did_not_pass_and_names_what_interrupted_it) {
  const json summary = summary_json({passing()}, "SIGINT");
  EXPECT_FALSE(summary["passed"]);
  EXPECT_EQ(summary["interrupted"], "SIGINT");
  EXPECT_FALSE(summary_json({passing()}).contains("interrupted"));
}

TEST(Summary, a_scenario_that_never_started_did_not_pass_and_says_why) {
  ScenarioReport s = passing();
  s.not_run = "not run: the run was interrupted by SIGINT before this scenario started";
  s.verdicts = {Verdict{"ping", "smoke.check", Outcome::k_skipped, s.not_run, {}, {}}};
  const json summary = summary_json({passing(), s});
  EXPECT_FALSE(summary["scenarios"][1]["passed"]);
  EXPECT_EQ(summary["scenarios"][1]["not_run"], s.not_run);
  EXPECT_FALSE(summary["scenarios"][0].contains("not_run"));
  EXPECT_EQ(summary["counts"]["passed"], 1);
}

TEST(Summary, expected_failures_are_counted_apart_from_passes_and_failures) {
  ScenarioReport s = passing();
  s.verdicts.push_back(Verdict{"logs", "smoke.log", Outcome::k_xfailed, "expected 'x' in broker log", {}, {}});
  const json summary = summary_json({s});
  EXPECT_TRUE(summary["passed"]);
  EXPECT_EQ(summary["counts"]["xfailed"], 1);
  EXPECT_EQ(summary["scenarios"][0]["counts"],
            json::parse(R"({"tests": 3, "failures": 0, "errors": 0, "skipped": 1, "xfailed": 1})"));
  EXPECT_EQ(summary["scenarios"][0]["verdicts"][2]["outcome"], "xfailed");
}

TEST(Summary, write_produces_parseable_json_even_from_invalid_utf8) {
  const fs::path dir = fs::temp_directory_path() / ("summary-test-" + std::to_string(::getpid()));
  ScenarioReport s = failing();
  s.verdicts[0].message = "bad byte:\xFF";
  const auto status = harness::report::write_summary({s}, dir / "summary.json");
  ASSERT_TRUE(status.is_ok()) << status.message();
  std::ifstream in(dir / "summary.json");
  const json read = json::parse(in, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(read.is_discarded());
  EXPECT_EQ(read["scenarios"][0]["verdicts"][0]["message"], "bad byte:\xEF\xBF\xBD");
  // ASCII only: the replacement character is the escape \ufffd, not raw bytes an encoding guesser misreads.
  std::ifstream raw(dir / "summary.json", std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(raw), std::istreambuf_iterator<char>()};
  EXPECT_NE(bytes.find("bad byte:\\ufffd"), std::string::npos) << bytes;
  for (const char c : bytes) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << "non-ASCII byte in summary.json";
  fs::remove_all(dir);
}

TEST(Summary, an_unwritable_path_is_an_infrastructure_error_naming_it) {
  const auto status = harness::report::write_summary({}, "/dev/null/summary.json");
  ASSERT_FALSE(status.is_ok());
  EXPECT_EQ(status.kind(), harness::util::ErrorKind::k_infrastructure);
  EXPECT_EQ(status.message(), "cannot create /dev/null: Not a directory");
}

}  // namespace
