// Docker's /events lines as EngineEvents: the container's life kept with its exit code and signal, its execs and
// housekeeping left out. The stream itself, against a real engine: tests/integration/docker_engine_test.cc.
#include "harness/driver/docker/event_stream.h"

#include <gtest/gtest.h>

namespace harness::driver::docker {
namespace {

TEST(EventStream, keeps_a_die_with_its_exit_code_and_the_engines_time) {
  // As Engine 20.10 writes it (labels and image among the attributes).
  const auto event = parse_engine_event(
      R"({"status":"die","id":"4f2a","from":"celery-chaos/services:bookworm","Type":"container","Action":"die",)"
      R"("Actor":{"ID":"4f2a","Attributes":{"celery-chaos.run":"r1","exitCode":"137","image":"x","name":"cc-r1"}},)"
      R"("scope":"local","time":1764331200,"timeNano":1764331200250000000})");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->action, "die");
  EXPECT_EQ(event->attributes, (std::map<std::string, std::string>{{"exitCode", "137"}}));
  EXPECT_DOUBLE_EQ(event->time_s, 1764331200.25);
}

TEST(EventStream, keeps_health_status_kill_and_oom) {
  const auto health = parse_engine_event(R"({"Type":"container","Action":"health_status: unhealthy","time":5})");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->action, "health_status: unhealthy");
  EXPECT_DOUBLE_EQ(health->time_s, 5);
  const auto kill =
      parse_engine_event(R"({"Type":"container","Action":"kill","Actor":{"Attributes":{"signal":"15"}}})");
  ASSERT_TRUE(kill);
  EXPECT_EQ(kill->attributes.at("signal"), "15");
  EXPECT_TRUE(parse_engine_event(R"({"Type":"container","Action":"oom"})"));
}

TEST(EventStream, leaves_out_execs_housekeeping_other_types_and_garbage) {
  EXPECT_FALSE(parse_engine_event(R"({"Type":"container","Action":"exec_start: /bin/sh -c test"})"));
  EXPECT_FALSE(parse_engine_event(R"({"Type":"container","Action":"exec_die"})"));
  EXPECT_FALSE(parse_engine_event(R"({"Type":"container","Action":"create"})"));
  EXPECT_FALSE(parse_engine_event(R"({"Type":"container","Action":"destroy"})"));
  EXPECT_FALSE(parse_engine_event(R"({"Type":"network","Action":"connect"})"));
  EXPECT_FALSE(parse_engine_event("not json"));
  EXPECT_FALSE(parse_engine_event(""));
}

}  // namespace
}  // namespace harness::driver::docker
