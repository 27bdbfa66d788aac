#include "harness/cli/rejudge.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "harness/report/summary.h"
#include "harness/scenario/loader.h"

namespace {
namespace fs = std::filesystem;
using harness::check::Outcome;
using harness::check::Verdict;
using harness::cli::rejudge;
using harness::report::ScenarioReport;

constexpr const char* k_scenario = R"(name: rejudged
services:
  queue: {image: redis}
  worker: {image: celery-worker, broker: queue}
checks:
  - name: restarts
    restarts: {service: worker, max: 0}
  - name: ping
    exec: {command: "true"}
)";

class Rejudge : public testing::Test {
protected:
  void SetUp() override {
    m_folder = fs::temp_directory_path() / ("rejudge-test-" + std::to_string(::getpid()));
    fs::create_directories(m_folder / "logs");
    std::ofstream(m_folder / "history.jsonl")
        << R"({"t":0.5,"time":"2026-11-22T17:41:00.500Z","type":"service.started","service":"worker.1","data":{}})" "\n"
        << R"({"t":1.0,"time":"2026-11-22T17:41:01.000Z","type":"service.ready","service":"worker.1","data":{}})" "\n"
        << R"({"t":2.0,"time":"2026-11-22T17:41:02.000Z","type":"service.restarted","service":"worker.1","data":{"count":1}})" "\n";
    std::ofstream(m_folder / "logs" / "worker.1.log") << "a line\n";
    auto loaded = harness::scenario::load_scenario_text(k_scenario, "rejudged.yaml");
    ASSERT_TRUE(loaded.ok());
    m_scenario = std::move(*loaded.scenario);
    m_old.name = "rejudged";
    m_old.verdicts = {Verdict{"restarts", "rejudged.restarts", Outcome::k_passed, "0 restart(s)", {}, {}},
                      Verdict{"ping", "rejudged.exec", Outcome::k_passed, "exited with 0", {}, {}}};
  }
  void TearDown() override { fs::remove_all(m_folder); }

  fs::path m_folder;
  harness::scenario::Scenario m_scenario;
  ScenarioReport m_old;
};

TEST_F(Rejudge, a_pure_check_is_judged_again_over_the_history) {
  const ScenarioReport fresh = rejudge(m_old, m_scenario, m_folder);
  ASSERT_EQ(fresh.verdicts.size(), 2u);
  EXPECT_EQ(fresh.verdicts[0].outcome, Outcome::k_failed);
  EXPECT_EQ(fresh.verdicts[0].message, "expected at most 0 restart(s) of 'worker'; 1 restart(s)");
}

TEST_F(Rejudge, a_check_with_when_is_judged_against_the_versions_the_run_recorded) {
  m_scenario.checks[0].when = {{"kombu", ">=5.4"}};
  m_old.properties = {{"stack.kombu", "5.2.4"}, {"stack.celery", "5.2.6"}};
  ScenarioReport fresh = rejudge(m_old, m_scenario, m_folder);
  EXPECT_EQ(fresh.verdicts[0].outcome, Outcome::k_skipped);
  EXPECT_EQ(fresh.verdicts[0].message, "not on this stack: kombu 5.2.4 is not >=5.4 (when: {kombu: \">=5.4\"})");
  m_scenario.checks[0].when = {{"kombu", "<5.4"}};  // it holds: judged again, and it fails
  EXPECT_EQ(rejudge(m_old, m_scenario, m_folder).verdicts[0].outcome, Outcome::k_failed);
  m_old.properties.clear();  // a run from before stack.* properties: not judged, said why
  EXPECT_EQ(rejudge(m_old, m_scenario, m_folder).verdicts[0].message,
            "not judged: the stack's versions could not be read (the run recorded none) (when: {kombu: \"<5.4\"})");
}

TEST_F(Rejudge, a_live_check_keeps_the_verdict_of_the_run) {
  const ScenarioReport fresh = rejudge(m_old, m_scenario, m_folder);
  EXPECT_EQ(fresh.verdicts[1].outcome, Outcome::k_passed);
  EXPECT_EQ(fresh.verdicts[1].message, "not re-judged (live check): exited with 0");
  m_old.verdicts = fresh.verdicts;  // judged again: said once
  EXPECT_EQ(rejudge(m_old, m_scenario, m_folder).verdicts[1].message, "not re-judged (live check): exited with 0");
  m_old.verdicts.pop_back();  // a live check the run did not have
  EXPECT_EQ(rejudge(m_old, m_scenario, m_folder).verdicts[1].message,
            "not re-judged: a live check added since the run");
}

TEST_F(Rejudge, a_run_that_never_reached_its_checks_is_kept_with_its_logs_read_again) {
  m_old.error = "service 'queue' did not start";
  const ScenarioReport fresh = rejudge(m_old, m_scenario, m_folder);
  EXPECT_EQ(fresh.verdicts[0].outcome, Outcome::k_passed);
  ASSERT_EQ(fresh.logs.size(), 1u);
  EXPECT_EQ(fresh.logs[0].service, "worker.1");
  EXPECT_EQ(fresh.logs[0].tail, "a line\n");
}

// A matrix run's folders are <stack>/<scenario>/ (and <stack>/<scenario>/repeat-K/): found in the order they ran.
TEST(RejudgeFolders, a_matrix_runs_scenario_folders_are_found_under_each_stack_in_run_order) {
  const fs::path run = fs::temp_directory_path() / ("rejudge-folders-" + std::to_string(::getpid()));
  const auto scenario_run = [&](const fs::path& folder, int number) {
    fs::create_directories(run / folder);
    std::ofstream(run / folder / "history.jsonl") << "";
    harness::report::ScenarioReport r;
    r.name = folder.filename().string();
    r.run_id = "20261128-170314-6ffc-" + std::to_string(number);
    ASSERT_TRUE(harness::report::write_summary({r}, run / folder / "summary.json"));
  };
  scenario_run("trixie/smoke", 3);
  scenario_run("bookworm/smoke", 1);
  scenario_run("bookworm/quorum", 2);
  scenario_run("trixie/quorum/repeat-1", 4);
  EXPECT_EQ(harness::cli::scenario_run_folders(run),
            (std::vector<fs::path>{run / "bookworm/smoke", run / "bookworm/quorum", run / "trixie/smoke",
                                   run / "trixie/quorum/repeat-1"}));
  fs::remove_all(run);
}

}  // namespace
