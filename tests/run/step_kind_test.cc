// Step kinds are registered units: the scenario reader's table (scenario::step_syntaxes) and the runner's
// (run::step_kinds) name the same kinds, so every step a scenario can say can run.
#include "harness/run/step_kind.h"

#include <gtest/gtest.h>

#include "harness/scenario/step_syntax.h"

namespace harness::run {
namespace {

TEST(StepKinds, every_step_kind_the_reader_knows_can_run) {
  EXPECT_EQ(step_kinds().names(), scenario::step_syntaxes().names());
  for (const auto& kind : step_kinds().all()) EXPECT_NE(kind.run, nullptr) << kind.name;
}

TEST(StepKinds, messages_list_the_kinds_in_their_documented_order) {
  EXPECT_EQ(scenario::listed_step_kinds(), (std::vector<std::string_view>{"wait", "exec", "fault", "load", "rollout"}));
}

TEST(StepKinds, only_the_fault_step_takes_for) {
  for (const auto& kind : scenario::step_syntaxes().all()) EXPECT_EQ(kind.takes_for, kind.name == "fault") << kind.name;
}

}  // namespace
}  // namespace harness::run
