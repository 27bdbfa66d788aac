// `celery-chaos report RUN_DIR` end to end: a real run, then its scenario file edited (a bound changed), and the
// finished run judged again from its files gives the new verdict, in the console, junit.xml, summary.json and
// report.html; a live check (exec) keeps the verdict the run gave it.
#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;

constexpr const char* k_scenario = R"(name: rejudged
services:
  queue: {image: redis}
  worker: {image: celery-worker, broker: queue}
steps:
  - wait: {ready: all, timeout: 90s}
checks:
  - name: restarts
    restarts: {service: worker, max: 0}
  - name: redis answers
    exec: {command: "redis-cli -p {{queue.port}} -a {{queue.password}} --no-auth-warning ping", output_contains: PONG}
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(CliReport, a_changed_bound_changes_the_verdict_of_a_finished_run) {
  if (!test::have("/usr/bin/redis-server")) GTEST_SKIP() << "redis-server not installed (scripts/install-deps)";
  test::TempDir dir;
  const auto file = dir.write("rejudged.yaml", k_scenario);
  const auto reports = dir.path() / "reports";
  const auto run = test::run_cli({"run", file.string(), "--report-dir", reports.string()});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto run_dir = test::latest_run(reports);

  dir.write("rejudged.yaml", replaced(k_scenario, "max: 0", "min: 1"));
  const auto again = test::run_cli({"report", (reports / "latest").string()});

  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_THAT(again.output, HasSubstr("  FAIL  restarts\n        expected at least 1 restart(s) of 'worker'; 0 restart(s)\n"));
  EXPECT_THAT(again.output, HasSubstr("  PASS  redis answers\n"));
  EXPECT_THAT(test::read_file(run_dir / "junit.xml"),
              HasSubstr("<failure message=\"expected at least 1 restart(s) of 'worker'; 0 restart(s)\""));
  const auto summary = nlohmann::json::parse(test::read_file(run_dir / "summary.json"));
  EXPECT_EQ(summary["scenarios"][0]["verdicts"][0]["outcome"], "failed");
  EXPECT_EQ(summary["scenarios"][0]["verdicts"][1]["outcome"], "passed");
  EXPECT_THAT(summary["scenarios"][0]["verdicts"][1]["message"].get<std::string>(),
              HasSubstr("not re-judged (live check): "));
  const auto own = nlohmann::json::parse(test::read_file(run_dir / "rejudged" / "summary.json"));
  EXPECT_EQ(own["scenarios"][0]["verdicts"][0]["outcome"], "failed");
  EXPECT_THAT(test::read_file(run_dir / "report.html"),
              HasSubstr(R"(<circle class="verdict o-failed" data-check="restarts")"));

  dir.write("rejudged.yaml", k_scenario);  // back to the bound the run had
  EXPECT_EQ(test::run_cli({"report", run_dir.string()}).exit_code, 0);
}

TEST(CliReport, a_folder_without_runs_is_a_usage_error) {
  test::TempDir dir;
  const auto result = test::run_cli({"report", dir.path().string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("celery-chaos report: no scenario run in " + dir.path().string() +
                                       " (a run's folder holds <scenario>/summary.json and history.jsonl)\n"));
}

}  // namespace
