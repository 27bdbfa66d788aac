#include "harness/driver/docker/engine_health.h"

#include <gtest/gtest.h>

namespace harness::driver::docker {
namespace {

TEST(EngineHealth, reads_rfc3339_times_as_docker_writes_them) {
  EXPECT_DOUBLE_EQ(*rfc3339_seconds("1970-01-01T00:00:10Z"), 10.0);
  EXPECT_NEAR(*rfc3339_seconds("2026-11-28T09:12:19.123456789Z"), 1795857139.123456789, 1e-6);
  EXPECT_NEAR(*rfc3339_seconds("2026-11-28T10:12:19.5+01:00"), 1795857139.5, 1e-6);
  EXPECT_FALSE(rfc3339_seconds("yesterday"));
  EXPECT_FALSE(rfc3339_seconds("2026-11-28T09:12:19.5"));  // no zone
}

TEST(EngineHealth, reads_status_streak_and_the_probe_log_oldest_first) {
  const auto state = nlohmann::json::parse(R"J({"Running": true, "Health": {"Status": "unhealthy", "FailingStreak": 2,
    "Log": [{"Start": "2026-11-28T09:00:00.100Z", "End": "2026-11-28T09:00:00.600Z", "ExitCode": 1, "Output": "no"},
            {"Start": "2026-11-28T09:00:02.600Z", "End": "2026-11-28T09:00:12.600Z", "ExitCode": -1,
             "Output": "Health check exceeded timeout (10s)"}]}})J");
  const auto health = engine_health_from_state(state);
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, "unhealthy");
  EXPECT_EQ(health->failing_streak, 2);
  ASSERT_EQ(health->probes.size(), 2u);
  EXPECT_EQ(health->probes[0].start, "2026-11-28T09:00:00.100Z");
  EXPECT_NEAR(health->probes[0].duration_s, 0.5, 1e-6);
  EXPECT_EQ(health->probes[0].exit_code, 1);
  EXPECT_EQ(health->probes[1].exit_code, -1);
  EXPECT_NEAR(health->probes[1].duration_s, 10.0, 1e-6);
}

TEST(EngineHealth, a_state_without_health_or_with_fields_of_other_types_is_none) {
  EXPECT_FALSE(engine_health_from_state(nlohmann::json::parse(R"({"Running": true})")));
  EXPECT_FALSE(engine_health_from_state(nlohmann::json::parse(R"({"Health": {"Status": 3}})")));
  EXPECT_FALSE(engine_health_from_state(nullptr));
}

}  // namespace
}  // namespace harness::driver::docker
