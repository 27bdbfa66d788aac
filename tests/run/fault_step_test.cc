// `replica: random`: the fault step chooses one instance with the run's seeded Random, so a seed replays the choice.
#include "harness/run/fault_step.h"

#include <gtest/gtest.h>

#include <set>

#include "harness/fault/fault_injector.h"
#include "harness/fault/kill.h"
#include "harness/util/clock.h"
#include "tests/driver/fake_service.h"

namespace harness::run {
namespace {

using driver::testing::FakeService;

struct FourWorkers {
  util::ManualClock clock;
  history::History history{clock, "/dev/null"};
  stack::RunControl control{clock, std::chrono::seconds{60}};
  std::unique_ptr<stack::Stack> stack;

  FourWorkers() {
    std::vector<std::unique_ptr<driver::Service>> services;
    for (int i = 1; i <= 4; ++i)
      services.push_back(std::make_unique<FakeService>(
          "worker." + std::to_string(i), FakeService::Options{.scenario_service = "worker", .running = true}));
    stack = std::make_unique<stack::Stack>(std::move(services), history, control, clock);
  }
};

scenario::FaultStep random_kill() {
  scenario::FaultStep fault;
  fault.kind = "kill";
  fault.service = "worker";
  fault.random_replica = true;
  fault.params = std::make_shared<fault::KillParams>();
  return fault;
}

std::string chosen(const stack::Stack& stack, std::uint64_t seed) {
  Random random(seed);
  auto fault = choose_replica(random_kill(), stack, random);
  EXPECT_TRUE(fault) << fault.error().message();
  EXPECT_EQ(fault->chosen_from, "worker");
  return fault->service;
}

TEST(ChooseReplica, the_same_seed_chooses_the_same_instance) {
  FourWorkers run;
  for (std::uint64_t seed : {1u, 7u, 42u, 1234u}) EXPECT_EQ(chosen(*run.stack, seed), chosen(*run.stack, seed));
}

TEST(ChooseReplica, seeds_reach_more_than_one_instance_and_only_instances_of_the_service) {
  FourWorkers run;
  std::set<std::string> seen;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) seen.insert(chosen(*run.stack, seed));
  EXPECT_GT(seen.size(), 1u);
  for (const auto& name : seen) EXPECT_TRUE(name.starts_with("worker.")) << name;
}

TEST(ChooseReplica, a_fault_that_names_its_target_is_left_as_written) {
  FourWorkers run;
  Random random(5);
  scenario::FaultStep fault = random_kill();
  fault.random_replica = false;
  auto same = choose_replica(fault, *run.stack, random);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->service, "worker");
  EXPECT_TRUE(same->chosen_from.empty());
}

TEST(ChooseReplica, a_service_without_instances_is_an_error) {
  FourWorkers run;
  Random random(5);
  scenario::FaultStep fault = random_kill();
  fault.service = "nope";
  auto none = choose_replica(fault, *run.stack, random);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message(), "fault target 'nope' is not a service of this run");
}

TEST(ChooseReplica, the_chosen_instance_is_what_the_kill_records_in_fault_start) {
  FourWorkers run;
  Random random(42);
  auto fault = choose_replica(random_kill(), *run.stack, random);
  ASSERT_TRUE(fault);
  auto clear = fault::apply_fault(*fault, *run.stack, run.history);
  ASSERT_TRUE(clear) << clear.error().message();
  const auto starts = run.history.events_of_type("fault.start");
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].service, fault->service);
  EXPECT_EQ(starts[0].data["instances"], (nlohmann::json{fault->service}));
  EXPECT_EQ(starts[0].data["chosen_from"], "worker");
}

}  // namespace
}  // namespace harness::run
