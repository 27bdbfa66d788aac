// A check's `when:` against a stack's versions: judged when every spec holds, skipped with the reason otherwise.
#include "harness/run/judge_phase.h"

#include <gtest/gtest.h>

namespace harness::run {
namespace {

const driver::Versions k_bookworm{{"celery", "5.2.6"}, {"kombu", "5.2.4"}, {"rabbitmq", "3.10.8"}, {"redis", ""}};

TEST(UnmetWhen, judges_a_check_whose_every_spec_holds) {
  EXPECT_EQ(unmet_when({}, k_bookworm), "");
  EXPECT_EQ(unmet_when({{"kombu", "<5.4"}, {"rabbitmq", "<4"}}, k_bookworm), "");
}

TEST(UnmetWhen, skips_with_the_version_that_does_not_match) {
  EXPECT_EQ(unmet_when({{"kombu", ">=5.4"}}, k_bookworm),
            "not on this stack: kombu 5.2.4 is not >=5.4 (when: {kombu: \">=5.4\"})");
}

TEST(UnmetWhen, an_absent_component_or_unreadable_versions_are_not_judged) {
  EXPECT_EQ(unmet_when({{"redis", ">=7"}}, k_bookworm), "not judged: the stack has no redis (when: {redis: \">=7\"})");
  EXPECT_EQ(unmet_when({{"celery", "<5.4"}}, util::Status::infrastructure("no engine")),
            "not judged: the stack's versions could not be read (no engine) (when: {celery: \"<5.4\"})");
}

}  // namespace
}  // namespace harness::run
