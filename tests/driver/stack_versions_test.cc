// Reading the versions script's output (driver/stack_versions.h).
#include "harness/driver/stack_versions.h"

#include <gtest/gtest.h>

namespace harness::driver {
namespace {

TEST(StackVersions, reads_name_equals_version_lines_in_order_and_keeps_absent_ones_empty) {
  const auto versions = parse_versions("celery=5.5.2\nkombu=5.5.3\nsome noise\nredis=\n = x\nbad line=1\n");
  EXPECT_EQ(versions, (Versions{{"celery", "5.5.2"}, {"kombu", "5.5.3"}, {"redis", ""}}));
}

TEST(StackVersions, describes_them_on_one_line_with_a_dash_for_an_absent_one) {
  EXPECT_EQ(describe_versions({{"celery", "5.2.6"}, {"redis", ""}, {"postgresql", "17.2"}}),
            "celery 5.2.6, redis -, postgresql 17.2");
  EXPECT_EQ(describe_versions({}), "");
}

}  // namespace
}  // namespace harness::driver
