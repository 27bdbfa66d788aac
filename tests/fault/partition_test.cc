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
                "test.yaml:8:24: a partition cuts clients (celery-worker services or instances, or NAME.peers: the "
                "replicas and sentinels of redis service NAME) from services: one of 'between' and 'and' must hold "
                "only those, the other none (connections between other services do not go through the fault proxy)",
                "test.yaml:9:24: a partition cuts clients (celery-worker services or instances, or NAME.peers: the "
                "replicas and sentinels of redis service NAME) from services: one of 'between' and 'and' must hold "
                "only those, the other none (connections between other services do not go through the fault proxy)",
                "test.yaml:10:34: partition fault refers to instance 'worker.3', but service 'worker' has 2 replicas "
                "(expected worker.1 to worker.2)",
                "test.yaml:11:24: missing required key 'and' in partition fault",
                "test.yaml:12:34: 'between' of a partition must name at least one service or instance",
            }));
}

TEST(PartitionFault, cuts_a_redis_groups_peers_from_its_master_a_split_brain) {
  const std::string head =
      "name: t\nservices:\n  cache: {image: redis, replicas: 1, sentinels: 3}\n  plain: {image: redis}\nsteps:\n";
  const auto s = load_ok(head + "  - fault: {partition: {between: [cache], and: [cache.peers]}}\n");
  EXPECT_EQ(scenario::proxied_services(s), (std::set<std::string>{"cache"}));
  EXPECT_TRUE(scenario::is_peers_name(s.services, "cache.peers"));
  EXPECT_FALSE(scenario::is_peers_name(s.services, "plain.peers"));  // no sentinels: no group proxy
  EXPECT_FALSE(scenario::is_peers_name(s.services, "cache"));
  const auto errors = load_errors(head + "  - fault: {partition: {between: [plain], and: [plain.peers]}}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("partition fault refers to instance 'plain.peers'"), std::string::npos) << errors[0];
}

}  // namespace
}  // namespace harness::fault
