// The partition fault's reading (fault/partition.cc): which side holds the clients, which services become proxied,
// and the messages for sides that a fault proxy cannot cut.
#include <gtest/gtest.h>

#include "harness/scenario/network.h"
#include "tests/fault/network_fault_test_util.h"
#include "tests/scenario/scenario_test_util.h"

namespace harness::fault {
namespace {

using scenario::testing::load_errors;
using scenario::testing::load_ok;

const std::string& k_head = testing::k_network_head;  // steps start on line 8

TEST(PartitionFault, proxies_the_services_side_whichever_list_comes_first) {
  const auto s = load_ok(k_head + "  - fault: {partition: {between: [worker.1], and: [broker, results]}}\n"
                                  "    for: 10s\n");
  EXPECT_EQ(scenario::proxied_services(s), (std::set<std::string>{"broker", "results"}));
  const auto& fault = *scenario::params_if<scenario::FaultStep>(s.steps.at(0));
  EXPECT_EQ(fault.kind, "partition");
  EXPECT_EQ(fault.service, "broker");
  const auto t = load_ok(k_head + "  - fault: {partition: {between: [results], and: [worker]}}\n");
  EXPECT_EQ(scenario::proxied_services(t), (std::set<std::string>{"results"}));
}

TEST(PartitionFault, reports_sides_it_cannot_cut_and_missing_keys) {
  EXPECT_EQ(load_errors(k_head + "  - fault: {partition: {between: [broker], and: [results]}}\n"
                                 "  - fault: {partition: {between: [worker.1, broker], and: [results]}}\n"
                                 "  - fault: {partition: {between: [worker.3], and: [broker]}}\n"
                                 "  - fault: {partition: {between: [worker]}}\n"
                                 "  - fault: {partition: {between: [], and: [broker]}}\n"),
            (std::vector<std::string>{
                "test.yaml:8:24: a partition cuts clients (celery-worker services or instances) from services: one "
                "of 'between' and 'and' must hold only celery-worker services or instances, the other none "
                "(connections between two services do not go through the fault proxy)",
                "test.yaml:9:24: a partition cuts clients (celery-worker services or instances) from services: one "
                "of 'between' and 'and' must hold only celery-worker services or instances, the other none "
                "(connections between two services do not go through the fault proxy)",
                "test.yaml:10:34: partition fault refers to instance 'worker.3', but service 'worker' has 2 replicas "
                "(expected worker.1 to worker.2)",
                "test.yaml:11:24: missing required key 'and' in partition fault",
                "test.yaml:12:34: 'between' of a partition must name at least one service or instance",
            }));
}

}  // namespace
}  // namespace harness::fault
