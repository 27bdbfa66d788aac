// `celery-chaos stacks` with the real machine and engine: the host stack's versions are this machine's (what
// Debian's python3 imports), each stack image's are read from the image, no container is left; with no engine,
// the host stack and why the image stacks are missing.
#include <gmock/gmock.h>

#include "harness/driver/docker/engine.h"
#include "harness/process/child_process.h"
#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;
using testing::Not;

std::string python_version_of(const std::string& module) {
  harness::process::SpawnOptions options;
  options.argv = {"/usr/bin/python3", "-c", "import " + module + "; print(" + module + ".__version__, end='')"};
  return harness::process::run_command(options, std::chrono::seconds{30}).output;
}

TEST(Stacks, lists_the_host_and_the_bookworm_image_with_versions_read_from_each) {
  auto engine = harness::driver::docker::Engine::connect();
  ASSERT_TRUE(engine) << engine.error().message();
  const auto result = test::run_cli({"stacks"}, std::chrono::seconds{120});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const std::string celery = python_version_of("celery");
  ASSERT_FALSE(celery.empty());
  EXPECT_THAT(result.output, HasSubstr("host      --driver local, this machine's packages\n    celery " + celery +
                                       ", kombu " + python_version_of("kombu") + ", amqp "));
  EXPECT_THAT(result.output, HasSubstr("bookworm  --driver docker --image celery-chaos/services:bookworm\n    celery "));
  EXPECT_THAT(result.output, Not(HasSubstr(" -,"))) << "a component absent from a stack";
  EXPECT_THAT(result.output, HasSubstr(", postgresql 15."));
  auto left = engine->call("GET", "/containers/json?all=true");
  ASSERT_TRUE(left);
  for (const auto& c : left->body) EXPECT_FALSE(c["Labels"].contains("celery-chaos.run")) << c.dump();
}

TEST(Stacks, without_an_engine_lists_the_host_and_says_why_not_the_images) {
  test::TempDir dir;
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY, "stacks"};
  options.environment = {{"DOCKER_HOST", "unix://" + (dir.path() / "none.sock").string()}};
  const auto result = harness::process::run_command(options, std::chrono::seconds{60});
  ASSERT_TRUE(result.status);
  EXPECT_EQ(result.status->code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("host      --driver local"));
  EXPECT_THAT(result.output, HasSubstr("(image stacks not listed: no Docker engine answers at unix://" +
                                       (dir.path() / "none.sock").string()));
}

}  // namespace
