// Duration bounds as checks write them (">=1s", "<500ms"): read, compared, formatted.
#include "harness/check/duration_bound.h"

#include <gtest/gtest.h>

namespace harness::check {
namespace {

using namespace std::chrono_literals;

TEST(DurationBound, reads_and_compares) {
  const auto bound = parse_duration_bound(">= 1s");
  ASSERT_TRUE(bound);
  EXPECT_EQ(bound->op, DurationBound::Op::k_ge);
  EXPECT_EQ(bound->value, 1s);
  EXPECT_TRUE(holds(*bound, 1.0));
  EXPECT_FALSE(holds(*bound, 0.99));
  EXPECT_EQ(format_bound(*parse_duration_bound("<500ms")), "< 500ms");
  EXPECT_TRUE(holds(*parse_duration_bound("<500ms"), 0.4));
  EXPECT_FALSE(holds(*parse_duration_bound("<=0s"), 0.001));
  EXPECT_FALSE(parse_duration_bound("1s"));  // no comparison
  EXPECT_FALSE(parse_duration_bound(">= 1"));  // no unit
  EXPECT_FALSE(parse_duration_bound("=1s"));
}

}  // namespace
}  // namespace harness::check
