// Version specs of `when:`: release order (numeric segments, PEP 440 suffixes), clauses, prefixes, bad specs.
#include "harness/scenario/version_spec.h"

#include <gtest/gtest.h>

namespace harness::scenario {
namespace {

TEST(VersionSpec, compares_in_release_order) {
  EXPECT_LT(compare_versions("5.2.6", "5.5.2"), 0);
  EXPECT_GT(compare_versions("5.10", "5.9"), 0);        // numeric, not text
  EXPECT_EQ(compare_versions("5.4", "5.4.0"), 0);
  EXPECT_LT(compare_versions("5.5.0rc1", "5.5.0"), 0);  // a release candidate comes before its release
  EXPECT_LT(compare_versions("5.5.0b2", "5.5.0rc1"), 0);
  EXPECT_LT(compare_versions("5.5.0.dev1", "5.5.0a1"), 0);
  EXPECT_GT(compare_versions("5.5.0.post1", "5.5.0"), 0);
  EXPECT_LT(compare_versions("3.10.8", "4.0.5"), 0);    // RabbitMQ
  EXPECT_LT(compare_versions("25.2.3", "27.3.4.1"), 0); // Erlang
}

TEST(VersionSpec, every_clause_must_hold) {
  EXPECT_TRUE(version_matches("5.2.4", "<5.4"));
  EXPECT_FALSE(version_matches("5.5.3", "<5.4"));
  EXPECT_TRUE(version_matches("5.5.3", ">=5.4"));
  EXPECT_TRUE(version_matches("3.13.1", ">=3.13,<4"));
  EXPECT_FALSE(version_matches("4.0.5", ">=3.13,<4"));
  EXPECT_TRUE(version_matches("5.5.2", "==5.5.*"));
  EXPECT_FALSE(version_matches("5.50.1", "==5.5.*"));
  EXPECT_TRUE(version_matches("5.2.6", "!=5.5.*"));
  EXPECT_TRUE(version_matches("15.18", " > 15 "));
  EXPECT_TRUE(version_matches("7.0.15", "==7.0.15"));
}

TEST(VersionSpec, a_bad_spec_says_what_a_good_one_looks_like) {
  EXPECT_EQ(version_spec_error("<5.4"), "");
  EXPECT_EQ(version_spec_error(">=3.13, <4"), "");
  EXPECT_EQ(version_spec_error("5.4"), "'5.4' is not a comparison such as <5.4, >=3.13,<4 or ==5.5.*");
  EXPECT_EQ(version_spec_error("<<5"), "'<<5' is not a comparison such as <5.4, >=3.13,<4 or ==5.5.*");
  EXPECT_EQ(version_spec_error(">=5.*"), "'>=5.*' is not a comparison such as <5.4, >=3.13,<4 or ==5.5.*");
  EXPECT_NE(version_spec_error(""), "");
  EXPECT_NE(version_spec_error("<5.4,"), "");
}

}  // namespace
}  // namespace harness::scenario
