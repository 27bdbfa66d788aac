// `replica: random` on real Celery workers: the instance a pause or a kill acts on is drawn from the scenario's
// seed, so two scenarios with the same seed and steps choose the same worker, and fault.start names it.
#include <gmock/gmock.h>

#include "tests/integration/cli_harness.h"

namespace {

// Three workers on a Redis broker (quick to boot); the kill sends SIGCONT, which leaves the worker running.
std::string scenario(const std::string& name) {
  return "name: " + name + R"(
timeout: 2m
seed: 42
services:
  queue: {image: redis}
  worker: {image: celery-worker, broker: queue, replicas: 3}
steps:
  - wait: {ready: all, timeout: 90s}
  - fault: {pause: {service: worker, replica: random}}
    for: 1s
  - fault: {kill: {service: worker, replica: random, signal: CONT}}
)";
}

// The fault.start events of a scenario's run, in order.
std::vector<harness::history::Event> starts(const test::fs::path& scenario_dir) {
  std::vector<harness::history::Event> out;
  auto all = harness::history::read_history(scenario_dir / "history.jsonl");
  EXPECT_TRUE(all.has_value()) << all.error().message();
  if (all)
    for (auto& e : *all)
      if (e.type == "fault.start") out.push_back(e);
  return out;
}

TEST(FaultsKillRandomReplica, the_same_seed_chooses_the_same_worker_and_fault_start_names_it) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto first = dir.write("first.yaml", scenario("random-first"));
  const auto second = dir.write("second.yaml", scenario("random-second"));
  const auto run = test::run_scenarios({first.string(), second.string()}, dir.path() / "r");
  ASSERT_EQ(run.cli.exit_code, 0) << run.cli.output;
  const auto a = starts(run.dir / "random-first");
  const auto b = starts(run.dir / "random-second");
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_THAT(a[i].service, testing::MatchesRegex("worker\\.[123]"));
    EXPECT_EQ(a[i].service, b[i].service) << a[i].data.dump();
    EXPECT_EQ(a[i].data["chosen_from"], "worker");
    EXPECT_EQ(a[i].data["instances"], (nlohmann::json{a[i].service})) << a[i].data.dump();
  }
}

}  // namespace
