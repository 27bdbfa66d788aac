// The disk limit the disk-alarm fault sets.
#include "harness/fault/alarms.h"

#include <gtest/gtest.h>

namespace harness::fault {
namespace {

TEST(AlarmsTest, disk_limit_for_alarm_exceeds_the_free_space) {
  EXPECT_EQ(disk_limit_for_alarm(std::nullopt), "1000GB");
  EXPECT_EQ(disk_limit_for_alarm(82'659'192'832), "1000GB");
  EXPECT_EQ(disk_limit_for_alarm(499'999'999'999), "1000GB");
  EXPECT_EQ(disk_limit_for_alarm(500'000'000'000), "1000000000000");
  EXPECT_EQ(disk_limit_for_alarm(4'000'000'000'000), "8000000000000");
}

}  // namespace
}  // namespace harness::fault
