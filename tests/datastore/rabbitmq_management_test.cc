// What the faults read from the RabbitMQ management API's replies.
#include <gtest/gtest.h>

#include "harness/datastore/rabbitmq_management.h"

namespace harness::datastore {
namespace {

TEST(ManagementApiTest, alarm_resources_lists_what_the_alarms_check_reports) {
  const auto failed = nlohmann::json::parse(
      R"({"status":"failed","reason":"There are alarms in effect in the cluster","alarms":[
          {"node":"cc-broker@localhost","resource":"disk space"},{"node":"cc-broker@localhost","resource":"memory"}]})");
  EXPECT_EQ(alarm_resources(failed), (std::vector<std::string>{"disk space", "memory"}));
  EXPECT_TRUE(alarm_resources(nlohmann::json::parse(R"({"status":"ok"})")).empty());
  EXPECT_TRUE(alarm_resources(nlohmann::json::parse(R"({"alarms":"x"})")).empty());
  EXPECT_TRUE(alarm_resources(nlohmann::json::parse(R"({"alarms":[{"node":"n"}, 3]})")).empty());
  EXPECT_TRUE(alarm_resources(nlohmann::json::array()).empty());
}

}  // namespace
}  // namespace harness::datastore
