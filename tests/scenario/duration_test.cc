#include "harness/scenario/duration.h"

#include <gtest/gtest.h>

namespace harness::scenario {
namespace {

using namespace std::chrono_literals;

Millis parse_ok(std::string_view text) {
  auto result = parse_duration(text);
  EXPECT_TRUE(result.has_value()) << text << ": " << (result ? "" : result.error().message());
  return result ? *result : Millis{-1};
}

std::string parse_error(std::string_view text) {
  auto result = parse_duration(text);
  EXPECT_FALSE(result.has_value()) << text;
  return result ? "" : result.error().message();
}

TEST(DurationTest, parses_single_units) {
  EXPECT_EQ(parse_ok("500ms"), 500ms);
  EXPECT_EQ(parse_ok("10s"), 10s);
  EXPECT_EQ(parse_ok("2m"), 2min);
  EXPECT_EQ(parse_ok("2h"), 2h);
  EXPECT_EQ(parse_ok("0s"), 0ms);
  EXPECT_EQ(parse_ok("3000us"), 3ms);
}

TEST(DurationTest, parses_combinations_in_descending_order) {
  EXPECT_EQ(parse_ok("1m30s"), 90s);
  EXPECT_EQ(parse_ok("1h5s"), 1h + 5s);
  EXPECT_EQ(parse_ok("1h2m3s4ms"), 1h + 2min + 3s + 4ms);
  EXPECT_EQ(parse_ok("1s500ms"), 1500ms);
}

TEST(DurationTest, parses_decimal_fractions) {
  EXPECT_EQ(parse_ok("1.5s"), 1500ms);
  EXPECT_EQ(parse_ok("0.25m"), 15s);
  EXPECT_EQ(parse_ok(".5s"), 500ms);
  EXPECT_EQ(parse_ok("2.s"), 2s);
  EXPECT_EQ(parse_ok("1.5h"), 90min);
  EXPECT_EQ(parse_ok("1.0009s"), 1000ms);  // truncated to the 1ms resolution
}

TEST(DurationTest, rejects_bare_numbers) {
  EXPECT_EQ(parse_error("30"), "missing unit (expected h, m, s, ms or us) in duration '30'");
  EXPECT_EQ(parse_error("1m30"), "missing unit (expected h, m, s, ms or us) in duration '1m30'");
}

TEST(DurationTest, rejects_unknown_units) {
  EXPECT_EQ(parse_error("10x"), "unknown unit 'x' (expected h, m, s, ms or us) in duration '10x'");
  EXPECT_EQ(parse_error("5min"), "unknown unit 'min' (expected h, m, s, ms or us) in duration '5min'");
  EXPECT_EQ(parse_error("1d"), "unknown unit 'd' (expected h, m, s, ms or us) in duration '1d'");
}

TEST(DurationTest, rejects_units_out_of_order_or_repeated) {
  EXPECT_EQ(parse_error("30s1m"),
            "unit 'm' out of order (expected h, m, s, ms, us, each at most once) in duration '30s1m'");
  EXPECT_EQ(parse_error("1s1s"),
            "unit 's' out of order (expected h, m, s, ms, us, each at most once) in duration '1s1s'");
}

TEST(DurationTest, rejects_malformed_text) {
  EXPECT_EQ(parse_error(""), "empty duration");
  EXPECT_EQ(parse_error("-5s"), "negative value in duration '-5s'");
  EXPECT_EQ(parse_error("s"), "expected a number at 's' in duration 's'");
  EXPECT_EQ(parse_error("+5s"), "expected a number at '+5s' in duration '+5s'");
  EXPECT_EQ(parse_error("5 s"), "unknown unit ' s' (expected h, m, s, ms or us) in duration '5 s'");
  EXPECT_EQ(parse_error("1.2.3s"), "unknown unit '' (expected h, m, s, ms or us) in duration '1.2.3s'");
}

TEST(DurationTest, rejects_non_zero_values_under_one_millisecond) {
  EXPECT_EQ(parse_error("90us"), "non-zero value under the 1ms resolution in duration '90us'");
  EXPECT_EQ(parse_ok("0us"), 0ms);
}

TEST(DurationTest, rejects_values_too_large) {
  EXPECT_EQ(parse_error("99999999999999999999h"), "value too large in duration '99999999999999999999h'");
  EXPECT_EQ(parse_error("1000000000h"), "value too large in duration '1000000000h'");
}

TEST(DurationTest, formats_shortest_round_trip_form) {
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(500ms), "500ms");
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(1h + 5s), "1h5s");
  EXPECT_EQ(format_duration(2h), "2h");
  EXPECT_EQ(format_duration(1500ms), "1s500ms");
  EXPECT_EQ(format_duration(-2s), "-2s");
}

TEST(DurationTest, format_then_parse_is_identity) {
  for (Millis d : {0ms, 1ms, 999ms, 1000ms, 61001ms, Millis{3'723'004}, Millis{86'400'000}})
    EXPECT_EQ(parse_ok(format_duration(d)), d) << format_duration(d);
}

}  // namespace
}  // namespace harness::scenario
