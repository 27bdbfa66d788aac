// The runner's phases with a fake driver (tests/run/fake_driver.h): boot, steps, judging and teardown in order,
// the driver chosen by RunOptions and cleaning up through Driver::kill_leftovers, the seed reported.
#include "harness/run/runner.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/history/history.h"
#include "tests/run/fake_driver.h"

namespace harness::run {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct RunnerFixture : ::testing::Test {
  fs::path dir;
  std::shared_ptr<testing::FakeDriver> driver = std::make_shared<testing::FakeDriver>();
  RunOptions options;
  scenario::Scenario scenario;

  void SetUp() override {
    dir = fs::temp_directory_path() / ("runner-test-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    options.work_base = dir / "work";
    ASSERT_TRUE(prepare_work_base(options.work_base));
    options.driver = driver;
    options.boot_timeout = 200ms;
    scenario.name = "fake";
    scenario.file = "fake.yaml";
    scenario.timeout = 60s;
    scenario::Service db;
    db.name = "db";
    scenario.services = {db};
    scenario::Step wait;
    scenario::WaitStep params;
    params.duration = 1ms;
    wait.kind = "wait";
    wait.params = std::make_shared<const scenario::WaitStep>(params);
    scenario.steps = {wait};
  }
  void TearDown() override { fs::remove_all(dir); }

  ScenarioOutcome run() { return run_scenario(scenario, "run-1", dir / "report", options); }
  std::vector<std::string> event_types() const {
    std::vector<std::string> types;
    auto events = history::read_history(dir / "report" / "history.jsonl");
    if (events) for (const auto& e : *events) types.push_back(e.type);
    return types;
  }
};

TEST_F(RunnerFixture, a_run_boots_runs_its_steps_and_tears_down_through_its_driver) {
  const auto outcome = run();
  EXPECT_EQ(outcome.result, ScenarioResult::k_passed) << outcome.report.error;
  EXPECT_EQ(event_types(), (std::vector<std::string>{"run.begin", "service.starting", "service.ready", "stack.ready",
                                                     "step.begin", "step.end", "service.stopped", "run.cleanup",
                                                     "run.end"}));
  ASSERT_EQ(driver->starts.size(), 1u);
  EXPECT_EQ(*driver->starts[0], 1);
  EXPECT_EQ(driver->swept_runs, std::vector<std::string>{"run-1"});
  EXPECT_EQ(outcome.report.properties.front(), (std::pair<std::string, std::string>{"driver", "fake"}));
  EXPECT_FALSE(fs::exists(options.work_base / "runs" / "run-1"));  // removed without --keep
}

TEST_F(RunnerFixture, a_service_the_driver_cannot_create_is_an_error_and_nothing_is_judged) {
  driver->create_error = "binary rabbitmq-server not found";
  scenario.expect = scenario::Expectation::k_fail;
  const auto outcome = run();
  EXPECT_EQ(outcome.result, ScenarioResult::k_error);
  EXPECT_EQ(outcome.report.error, "binary rabbitmq-server not found");
  EXPECT_TRUE(outcome.report.verdicts.empty());  // no checks; `expect: fail` does not apply to a run that did not run
  EXPECT_EQ(driver->swept_runs, std::vector<std::string>{"run-1"});
}

TEST_F(RunnerFixture, a_boot_that_times_out_is_an_error_and_the_steps_do_not_run) {
  driver->ready = false;
  const auto outcome = run();
  EXPECT_EQ(outcome.result, ScenarioResult::k_error);
  EXPECT_NE(outcome.report.error.find("service 'db' not ready after 200ms"), std::string::npos)
      << outcome.report.error;
  const auto types = event_types();
  EXPECT_EQ(std::count(types.begin(), types.end(), "step.begin"), 0);
  EXPECT_EQ(driver->swept_runs, std::vector<std::string>{"run-1"});
}

TEST_F(RunnerFixture, expect_fail_without_a_failure_fails_the_scenario) {
  scenario.expect = scenario::Expectation::k_fail;
  const auto outcome = run();
  EXPECT_EQ(outcome.result, ScenarioResult::k_failed);
  ASSERT_EQ(outcome.report.verdicts.size(), 1u);
  EXPECT_EQ(outcome.report.verdicts[0].message, "expected at least one check to fail (expect: fail), but all 0 passed");
}

TEST_F(RunnerFixture, the_console_shows_each_phase_and_the_result) {
  std::ostringstream console;
  options.out = &console;
  scenario.expect = scenario::Expectation::k_fail;
  (void)run();
  const std::string text = console.str();
  EXPECT_NE(text.find("fake (fake.yaml)\n  booting 1 service(s)...\n  all ready in "), std::string::npos) << text;
  EXPECT_NE(text.find("  FAIL  expect: fail\n        expected at least one check to fail"), std::string::npos)
      << text;
  EXPECT_NE(text.find("fake: FAILED in "), std::string::npos) << text;
}

TEST_F(RunnerFixture, the_console_starts_with_the_position_and_prints_a_line_per_step) {
  std::ostringstream console;
  options.out = &console;
  options.position = "[2/5]";
  scenario.steps[0].location.line = 12;
  (void)run();
  const std::string text = console.str();
  EXPECT_EQ(text.rfind("[2/5] fake (fake.yaml)\n", 0), 0u) << text;
  EXPECT_NE(text.find(" s] step 1 (wait, line 12)\n"), std::string::npos) << text;
  auto events = history::read_history(dir / "report" / "history.jsonl");
  ASSERT_TRUE(events);
  for (const auto& e : *events) {
    if (e.type == "step.begin") {
      EXPECT_EQ(e.data.value("title", ""), "step 1 (wait, line 12)");
    }
  }
}

TEST_F(RunnerFixture, seed_option_overrides_the_scenarios_seed_and_is_reported) {
  scenario.seed = 7;
  scenario.seed_given = true;
  options.seed = 42;
  const auto outcome = run();
  EXPECT_EQ(outcome.report.seed, 42u);
  std::ifstream summary(dir / "report" / "summary.json");
  const auto json = nlohmann::json::parse(summary);
  EXPECT_EQ(json["scenarios"][0]["seed"], 42);
  auto events = history::read_history(dir / "report" / "history.jsonl");
  ASSERT_TRUE(events);
  EXPECT_EQ(events->front().data["seed"], 42);
  EXPECT_EQ(events->front().data["seed_from"], "--seed");
}

TEST_F(RunnerFixture, the_scenarios_seed_is_used_without_the_option) {
  scenario.seed = 7;
  scenario.seed_given = true;
  EXPECT_EQ(run().report.seed, 7u);
}

TEST_F(RunnerFixture, a_scenario_whose_when_excludes_the_stack_starts_nothing_and_skips_every_check_with_why) {
  driver->versions = driver::Versions{{"celery", "5.2.6"}, {"kombu", "5.2.4"}};
  scenario.when = {{"celery", ">=5.5"}};
  scenario.expect = scenario::Expectation::k_fail;  // not an expected failure: nothing was judged
  scenario::Check check;
  check.name = "the worker exits at start";
  check.kind = "log";
  scenario.checks = {check};
  options.stack = "bookworm";
  const auto outcome = run();
  EXPECT_EQ(outcome.result, ScenarioResult::k_passed) << outcome.report.error;
  EXPECT_TRUE(driver->created.empty());
  ASSERT_EQ(outcome.report.verdicts.size(), 1u);
  EXPECT_EQ(outcome.report.verdicts[0].outcome, check::Outcome::k_skipped);
  EXPECT_EQ(outcome.report.verdicts[0].message,
            "not on this stack: celery 5.2.6 is not >=5.5 (when: {celery: \">=5.5\"})");
  EXPECT_EQ(outcome.report.stack, "bookworm");
  // On a stack it is about, it runs.
  driver->versions = driver::Versions{{"celery", "5.5.2"}};
  scenario.checks.clear();
  scenario.expect = scenario::Expectation::k_pass;
  EXPECT_EQ(run_scenario(scenario, "run-2", dir / "report-2", options).result, ScenarioResult::k_passed);
  EXPECT_EQ(driver->created.size(), 1u);
}

TEST_F(RunnerFixture, a_run_without_a_driver_is_an_error) {
  options.driver = nullptr;
  const auto outcome = run();
  EXPECT_EQ(outcome.result, ScenarioResult::k_error);
  EXPECT_EQ(outcome.report.error, "no driver chosen for the run (RunOptions::driver; an internal error)");
}

}  // namespace
}  // namespace harness::run
