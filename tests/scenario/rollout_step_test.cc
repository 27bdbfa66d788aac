// The rollout step's reader (scenario/rollout_step.cc).
#include <gtest/gtest.h>

#include "tests/scenario/scenario_test_util.h"

namespace harness::scenario {
namespace {

using namespace std::chrono_literals;
using testing::load_errors;
using testing::load_ok;

// Steps start on line 7.
const std::string k_head =
    "name: t\ntimeout: 1m\nservices:\n  queue: {image: redis}\n"
    "  beat: {image: celery-beat, broker: queue, schedule: [{name: t, task: probe.record, every: 1s}], deploy: {update_config: {order: start-first}}}\nsteps:\n";
// The same without deploy: on the beat (steps start on line 7).
const std::string k_plain_head =
    "name: t\ntimeout: 1m\nservices:\n  queue: {image: redis}\n  beat: {image: celery-beat, broker: queue, schedule: [{name: t, task: probe.record, every: 1s}]}\n"
    "steps:\n";

TEST(RolloutStepTest, reads_the_service_and_what_changes) {
  const auto steps = load_ok(k_head +
                             "  - rollout: {service: beat, image: team/app:2, env: {RELEASE: '2'}, "
                             "command: 'exec celery -A probe beat', timeout: 90s}\n"
                             "  - rollout: {service: beat}\n")
                         .steps;
  ASSERT_EQ(steps.size(), 2u);
  const auto& full = params_of<RolloutStep>(steps[0]);
  EXPECT_EQ(full.service, "beat");
  EXPECT_EQ(full.image, "team/app:2");
  EXPECT_EQ(full.env, (std::map<std::string, std::string>{{"RELEASE", "2"}}));
  EXPECT_EQ(full.command, "exec celery -A probe beat");
  EXPECT_EQ(full.timeout, 90s);
  const auto& bare = params_of<RolloutStep>(steps[1]);  // a forced new task, nothing else changed
  EXPECT_FALSE(bare.image || bare.command);
  EXPECT_TRUE(bare.env.empty());
  EXPECT_EQ(bare.timeout, 120s);
}

TEST(RolloutStepTest, mistakes_name_the_line_and_what_is_wrong) {
  const auto errors = load_errors(k_head +
                                  "  - rollout: {service: beet}\n"
                                  "  - rollout: {image: x}\n"
                                  "  - rollout: {service: beat, env: {1BAD: x}, timeout: 0s, replicas: 2}\n"
                                  "  - rollout: beat\n");
  ASSERT_EQ(errors.size(), 6u) << ::testing::PrintToString(errors);
  EXPECT_NE(errors[0].find("test.yaml:7:"), std::string::npos);
  EXPECT_NE(errors[0].find("undefined service 'beet' (did you mean 'beat'?)"), std::string::npos);
  EXPECT_NE(errors[1].find("test.yaml:8:"), std::string::npos);
  EXPECT_NE(errors[1].find("service"), std::string::npos);
  EXPECT_NE(errors[2].find("test.yaml:9:"), std::string::npos);
  EXPECT_NE(errors[2].find("invalid environment variable name '1BAD'"), std::string::npos);
  EXPECT_NE(errors[3].find("'timeout' must be a positive duration"), std::string::npos);
  EXPECT_NE(errors[4].find("unknown key 'replicas' in rollout step"), std::string::npos);
  EXPECT_NE(errors[5].find("test.yaml:10:"), std::string::npos);
  EXPECT_NE(errors[5].find("'rollout' must be a map"), std::string::npos);
}

TEST(RolloutStepTest, a_service_no_engine_orchestrates_cannot_be_rolled_out) {
  const auto errors = load_errors(k_plain_head + "  - rollout: {service: beat}\n");
  ASSERT_EQ(errors.size(), 1u) << ::testing::PrintToString(errors);
  EXPECT_EQ(errors[0].rfind("test.yaml:7:", 0), 0u) << errors[0];
  EXPECT_NE(errors[0].find("service 'beat' has no deploy:, restart policy or restart_on_unhealthy"),
            std::string::npos);
}

}  // namespace
}  // namespace harness::scenario
