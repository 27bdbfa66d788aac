#include "harness/scenario/network.h"

#include <gtest/gtest.h>

#include "tests/scenario/scenario_test_util.h"

namespace harness::scenario {
namespace {

using testing::load_ok;

TEST(ScenarioNetworkTest, no_service_is_proxied_by_default) {
  const Scenario scenario = load_ok("name: t\nservices:\n  broker: {image: rabbitmq}\n  cache: {image: redis}\n");
  EXPECT_TRUE(proxied_services(scenario).empty());
}

TEST(ScenarioNetworkTest, network_proxied_services_are_proxied) {
  const Scenario scenario =
      load_ok("name: t\nservices:\n  broker: {image: rabbitmq, network: proxied}\n  cache: {image: redis}\n");
  EXPECT_EQ(proxied_services(scenario), (std::set<std::string>{"broker"}));
}

}  // namespace
}  // namespace harness::scenario
