// Rollouts under the swarm driver against the engine's real Swarm mode: scenarios/swarm/'s beat rolled out
// start-first (old and new beat side by side: the ticks of the overlap executed twice) and stop-first (a gap: ticks
// missed, none twice), each recorded as rollout.end with Swarm's tasks and the containers' times; each run's own
// History judged with the other order's expectation fails it; nothing of the runs is left in Docker or the swarm.
#include <gtest/gtest.h>

#include "harness/check/beat_ticks.h"
#include "harness/check/rollout_check.h"
#include "harness/datastore/http_client.h"
#include "harness/driver/docker/container_spec.h"
#include "harness/driver/docker/engine.h"
#include "harness/history/history.h"
#include "tests/integration/cli_harness.h"
#include "tests/integration/swarm_test_util.h"

namespace {

using harness::driver::docker::Engine;
using test::engine;
using test::harness_objects;
using test::swarm_state;
namespace check = harness::check;

test::fs::path swarm_scenario(const std::string& name) {
  return test::source_dir() / "scenarios" / "swarm" / (name + ".yaml");
}

std::vector<harness::history::Event> history_of(const test::fs::path& scenario_dir) {
  auto events = harness::history::read_history(scenario_dir / "history.jsonl");
  if (!events) throw std::runtime_error(events.error().message());
  return *events;
}

std::vector<harness::history::Event> of_type(const std::vector<harness::history::Event>& history,
                                             const std::string& type, const std::string& service) {
  std::vector<harness::history::Event> out;
  for (const auto& e : history)
    if (e.type == type && e.service == service) out.push_back(e);
  return out;
}

check::RolloutParams expecting(const char* overlap, const char* gap) {
  check::RolloutParams params;
  params.service = "beat";
  if (overlap) params.overlap = check::parse_duration_bound(overlap);
  if (gap) params.gap = check::parse_duration_bound(gap);
  return params;
}

TEST(SwarmRollout, a_beat_rolled_out_start_first_duplicates_ticks_and_stop_first_misses_them) {
  const Engine e = engine();
  ASSERT_EQ(swarm_state(e), "inactive") << "the engine is in a swarm already: these tests make their own";
  test::TempDir dir;
  const auto root = dir.path() / "reports";
  const auto cli = test::run_cli({"--driver", "swarm", "run", swarm_scenario("beat-rollout-start-first").string(),
                                  swarm_scenario("beat-rollout-stop-first").string(), "--report-dir", root.string()},
                                 std::chrono::seconds{600});
  ASSERT_TRUE(test::fs::exists(root / "latest")) << cli.output;
  const auto run_dir = test::latest_run(root);
  const auto junit = test::read_file(run_dir / "junit.xml");
  EXPECT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_EQ(junit.find("<failure"), std::string::npos) << junit;

  struct Order {
    const char* scenario;
    const char* order;
    bool overlaps;
  };
  for (const Order& o : {Order{"swarm-beat-rollout-start-first", "start-first", true},
                         Order{"swarm-beat-rollout-stop-first", "stop-first", false}}) {
    SCOPED_TRACE(o.scenario);
    const auto scenario_dir = run_dir / o.scenario;
    const auto history = history_of(scenario_dir);
    const auto ends = of_type(history, "rollout.end", "beat.1");
    ASSERT_EQ(ends.size(), 1u);
    const auto& end = ends[0].data;
    EXPECT_EQ(end.value("order", ""), o.order);
    EXPECT_NE(end.value("old_task", ""), end.value("new_task", ""));
    ASSERT_TRUE(end.contains("overlap_s") && end["overlap_s"].is_number()) << end;
    EXPECT_EQ(end["overlap_s"].get<double>() > 0, o.overlaps) << end;
    // A rollout is neither an exit nor a restart of the instance.
    EXPECT_TRUE(of_type(history, "service.exited", "beat.1").empty());
    EXPECT_TRUE(of_type(history, "service.restarted", "beat.1").empty());
    // This run's own History, judged with the other order's expectation, fails it.
    const auto other = o.overlaps ? expecting(nullptr, ">0s") : expecting(">0s", nullptr);
    EXPECT_EQ(check::judge_rollout(other, "other order", "c", history).outcome, check::Outcome::k_failed);
    auto ticks = check::read_ticks(scenario_dir / "history.jsonl", scenario_dir / "ledger.jsonl");
    ASSERT_TRUE(ticks) << ticks.error().message();
    const auto analysed = check::analyse_ticks(ticks->sends, ticks->executions);
    if (o.overlaps) {
      EXPECT_GE(analysed.duplicates.size(), 1u);
      EXPECT_TRUE(analysed.missed.empty());  // missed_ticks: ">=1" would fail here
    } else {
      EXPECT_TRUE(analysed.duplicates.empty());  // tick_duplicates: ">=1" would fail here
      EXPECT_GE(analysed.missed.size(), 1u);
    }
  }
  EXPECT_EQ(harness_objects(e), 0u);
  EXPECT_EQ(swarm_state(e), "inactive");
}

// Without an engine that orchestrates it the step is an error that says what is needed, not a silent no-op.
TEST(SwarmRollout, under_the_docker_driver_a_rollout_is_an_error_naming_the_swarm_driver) {
  test::TempDir dir;
  const auto root = dir.path() / "reports";
  const auto cli = test::run_cli({"--driver", "docker", "run", swarm_scenario("beat-rollout-stop-first").string(),
                                  "--report-dir", root.string()},
                                 std::chrono::seconds{300});
  EXPECT_NE(cli.exit_code, 0) << cli.output;
  EXPECT_NE(cli.output.find("needs an engine that orchestrates it: run with --driver swarm"), std::string::npos)
      << cli.output;
}

}  // namespace
