// Prestart with a fake driver: a scenario's RabbitMQ starts ahead and is handed over; one never handed over is
// swept through the driver.
#include "harness/run/prestart.h"

#include <gtest/gtest.h>

#include "tests/run/fake_driver.h"

namespace harness::run {
namespace {

namespace fs = std::filesystem;

struct PrestartFixture : ::testing::Test {
  testing::FakeDriver driver;
  scenario::Scenario scenario;
  driver::RunPaths paths;

  void SetUp() override {
    const fs::path dir = fs::temp_directory_path() / ("prestart-test-" + std::to_string(::getpid()));
    paths.work_dir = dir / "work";
    paths.logs_dir = dir / "report" / "logs";
    paths.run_id = "run-next";
    fs::create_directories(paths.work_dir);
    scenario::Service broker;
    broker.name = "broker";
    broker.kind = scenario::ServiceKind::k_rabbitmq;
    scenario::Service cache;
    cache.name = "cache";
    scenario.services = {broker, cache};
  }
  void TearDown() override { fs::remove_all(paths.work_dir.parent_path()); }
};

TEST_F(PrestartFixture, only_the_rabbitmq_nodes_start_early_and_are_handed_over) {
  auto prestart = Prestart::begin(scenario, paths, driver);
  ASSERT_NE(prestart, nullptr);
  ASSERT_EQ(driver.created.size(), 2u);
  EXPECT_EQ(*driver.starts[0], 1);  // broker
  EXPECT_EQ(*driver.starts[1], 0);  // cache: a scenario's run starts it
  auto handover = prestart->take();
  EXPECT_EQ(handover.services.size(), 2u);
  EXPECT_EQ(handover.running, (std::set<const driver::Service*>{driver.created[0]}));
  ASSERT_EQ(handover.notes.size(), 1u);
  EXPECT_EQ(handover.notes[0]["service"], "broker");
  prestart.reset();
  EXPECT_TRUE(driver.swept_runs.empty());  // handed over: its run sweeps it
  EXPECT_TRUE(fs::exists(paths.work_dir));
}

TEST_F(PrestartFixture, a_prestart_never_handed_over_is_swept_through_the_driver) {
  auto prestart = Prestart::begin(scenario, paths, driver);
  ASSERT_NE(prestart, nullptr);
  prestart.reset();
  EXPECT_EQ(driver.swept_runs, std::vector<std::string>{"run-next"});
  EXPECT_FALSE(fs::exists(paths.work_dir));
}

TEST_F(PrestartFixture, a_scenario_without_rabbitmq_has_nothing_to_start_early) {
  scenario.services.erase(scenario.services.begin());
  EXPECT_EQ(Prestart::begin(scenario, paths, driver), nullptr);
  EXPECT_TRUE(driver.created.empty());
}

}  // namespace
}  // namespace harness::run
