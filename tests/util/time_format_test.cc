#include "harness/util/time_format.h"

#include <gtest/gtest.h>

namespace {
using namespace std::chrono_literals;
using harness::util::decimal_seconds;
using harness::util::iso8601_utc;
using TimePoint = std::chrono::system_clock::time_point;

TEST(TimeFormat, iso8601_is_utc_with_milliseconds_and_z) {
  EXPECT_EQ(iso8601_utc(TimePoint{0ms}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_utc(TimePoint{1'795'000'000'007ms}), "2026-11-18T11:06:40.007Z");
  EXPECT_EQ(iso8601_utc(TimePoint{951'782'400'000ms}), "2000-02-29T00:00:00.000Z");  // a leap day
}

TEST(TimeFormat, iso8601_drops_sub_milliseconds_instead_of_rounding) {
  // 23:59:59.9999 must not become the next day's .000.
  EXPECT_EQ(iso8601_utc(TimePoint{86'399'999'900us}), "1970-01-01T23:59:59.999Z");
}

TEST(TimeFormat, iso8601_before_the_epoch_counts_backwards) {
  EXPECT_EQ(iso8601_utc(TimePoint{-1ms}), "1969-12-31T23:59:59.999Z");
}

TEST(TimeFormat, decimal_seconds_has_three_decimals) {
  EXPECT_EQ(decimal_seconds(0ms), "0.000");
  EXPECT_EQ(decimal_seconds(7ms), "0.007");
  EXPECT_EQ(decimal_seconds(1234ms), "1.234");
  EXPECT_EQ(decimal_seconds(61'005ms), "61.005");
  EXPECT_EQ(decimal_seconds(2s), "2.000");
}

TEST(TimeFormat, decimal_seconds_rounds_nanoseconds_to_the_nearest_millisecond) {
  EXPECT_EQ(decimal_seconds(1'234'400us), "1.234");
  EXPECT_EQ(decimal_seconds(1'234'600us), "1.235");
  EXPECT_EQ(decimal_seconds(999'999'999ns), "1.000");
}

TEST(TimeFormat, decimal_seconds_of_a_negative_duration_is_zero) {
  EXPECT_EQ(decimal_seconds(-5ms), "0.000");
}

}  // namespace

namespace harness::util {
namespace {
TEST(TimeFormat, short_seconds_has_three_significant_digits_and_a_unit) {
  EXPECT_EQ(short_seconds(12.345), "12.3 s");
  EXPECT_EQ(short_seconds(0.5), "0.5 s");
  EXPECT_EQ(short_seconds(120), "120 s");
}
}  // namespace
}  // namespace harness::util

namespace {
using namespace std::chrono_literals;
using harness::util::human_duration;

TEST(TimeFormat, human_duration_shows_tenths_under_a_minute) {
  EXPECT_EQ(human_duration(0ms), "0.0 s");
  EXPECT_EQ(human_duration(-5ms), "0.0 s");
  EXPECT_EQ(human_duration(440ms), "0.4 s");
  EXPECT_EQ(human_duration(6'313ms), "6.3 s");
  EXPECT_EQ(human_duration(59'940ms), "59.9 s");
}

TEST(TimeFormat, human_duration_shows_minutes_and_seconds_then_hours_and_minutes) {
  EXPECT_EQ(human_duration(59'960ms), "1 min 0 s");  // not "60.0 s"
  EXPECT_EQ(human_duration(842'400ms), "14 min 2 s");
  EXPECT_EQ(human_duration(3'599'400ms), "59 min 59 s");
  EXPECT_EQ(human_duration(3'600'000ms), "1 h 0 min");
  EXPECT_EQ(human_duration(7'500'000ms), "2 h 5 min");
}

}  // namespace
