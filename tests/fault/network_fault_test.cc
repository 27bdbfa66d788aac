// The network fault kinds' reading (network_fault.h): targets, direction, client and attributes in the toxics'
// units; and that a network fault makes its service proxied.
#include "harness/fault/network_fault.h"

#include <gtest/gtest.h>

#include "harness/scenario/network.h"
#include "tests/fault/network_fault_test_util.h"
#include "tests/scenario/scenario_test_util.h"

namespace harness::fault {
namespace {

using scenario::testing::load_errors;
using scenario::testing::load_ok;

const std::string& k_head = testing::k_network_head;  // steps start on line 8

const scenario::FaultStep& only_fault(const scenario::Scenario& s) {
  return *scenario::params_if<scenario::FaultStep>(s.steps.at(0));
}

TEST(NetworkFaultTest, reads_direction_client_and_attributes_in_the_toxics_units) {
  const auto s = load_ok(k_head + "  - fault: {latency: {service: broker, latency: 500ms, jitter: 50ms, "
                                  "direction: upstream, from: worker.1}}\n    for: 10s\n");
  const auto& fault = only_fault(s);
  EXPECT_EQ(fault.kind, "latency");
  EXPECT_EQ(fault.service, "broker");
  const auto& params = scenario::params_of<NetworkFaultParams>(fault);
  EXPECT_EQ(params.direction, net::Direction::k_upstream);
  EXPECT_EQ(params.from, "worker.1");
  EXPECT_EQ(params.attributes, (nlohmann::json{{"latency", 500}, {"jitter", 50}}));
}

TEST(NetworkFaultTest, defaults_to_both_directions_and_every_client) {
  const auto s = load_ok(k_head + "  - fault: {blackhole: {service: broker}}\n");
  const auto& params = scenario::params_of<NetworkFaultParams>(only_fault(s));
  EXPECT_EQ(params.direction, net::Direction::k_both);
  EXPECT_EQ(params.from, "");
  EXPECT_EQ(params.attributes, nlohmann::json::object());
}

TEST(NetworkFaultTest, slice_delay_is_in_microseconds) {
  const auto s = load_ok(k_head + "  - fault: {slice: {service: results, average_size: 10, delay: 2ms}}\n");
  EXPECT_EQ(scenario::params_of<NetworkFaultParams>(only_fault(s)).attributes,
            (nlohmann::json{{"average_size", 10}, {"delay", 2000}}));
}

TEST(NetworkFaultTest, a_network_fault_makes_its_service_proxied) {
  const auto s = load_ok(k_head + "  - fault: {reset: {service: broker, from: worker.2}}\n");
  EXPECT_EQ(scenario::proxied_services(s), (std::set<std::string>{"broker"}));
}

TEST(NetworkFaultTest, reports_missing_and_wrong_keys) {
  EXPECT_EQ(load_errors(k_head + "  - fault: {latency: {service: broker}}\n"
                                 "  - fault: {bandwidth: {rate: 10}}\n"
                                 "  - fault: {blackhole: {service: broker, direction: sideways}}\n"
                                 "  - fault: {refuse: {service: broker, from: worker.3}}\n"),
            (std::vector<std::string>{
                "test.yaml:8:22: latency fault needs 'latency'",
                "test.yaml:9:24: bandwidth fault needs 'service' (the proxied service)",
                "test.yaml:10:53: invalid value 'sideways' for 'direction' (expected one of: upstream, downstream, both)",
                "test.yaml:11:45: refuse fault refers to instance 'worker.3', but service 'worker' has 2 replicas "
                "(expected worker.1 to worker.2)",
            }));
}

}  // namespace
}  // namespace harness::fault
