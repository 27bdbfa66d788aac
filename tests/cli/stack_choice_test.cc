#include "harness/cli/stack_choice.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace {
namespace fs = std::filesystem;
using harness::cli::read_stack_file;
using harness::cli::resolve_stack;
using harness::cli::run_stacks;

fs::path write_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / ("stack-choice-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / name) << text;
  return dir / name;
}

TEST(StackChoice, a_release_is_the_docker_driver_on_its_services_image_and_host_is_the_local_driver) {
  auto trixie = resolve_stack("trixie", "loopback");
  ASSERT_TRUE(trixie);
  EXPECT_EQ(trixie->name, "trixie");
  EXPECT_EQ(trixie->driver, "docker");
  EXPECT_EQ(trixie->image, "celery-chaos/services:trixie");
  auto host = resolve_stack("host", "loopback");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->driver, "local");
}

TEST(StackChoice, a_stack_file_names_its_images_and_pull_policy) {
  const auto file = write_file("team.yaml",
                               "name: team-1.4\nimage: 127.0.0.1:5000/services:1\nworker_image: 127.0.0.1:5000/app:1.4\n"
                               "pull: never\ndescription: ours\n");
  auto stack = resolve_stack(file.string(), "loopback");
  ASSERT_TRUE(stack) << stack.error().message();
  EXPECT_EQ(stack->name, "team-1.4");
  EXPECT_EQ(stack->driver, "docker");
  EXPECT_EQ(stack->image, "127.0.0.1:5000/services:1");
  EXPECT_EQ(stack->worker_image, "127.0.0.1:5000/app:1.4");
  EXPECT_EQ(stack->pull, "never");
  EXPECT_EQ(stack->file, file.string());
}

TEST(StackChoice, a_bad_stack_file_names_the_file_line_and_every_problem) {
  const auto file = write_file("bad.yaml", "name: 'has space'\nimgae: x\npull: sometimes\n");
  auto stack = read_stack_file(file, "loopback");
  ASSERT_FALSE(stack);
  const std::string message = stack.error().message();
  EXPECT_NE(message.find(file.string() + ":1:7: stack name 'has space' must be"), std::string::npos) << message;
  EXPECT_NE(message.find(":2:1: unknown key 'imgae' in stack file (did you mean 'image'?)"), std::string::npos)
      << message;
  EXPECT_NE(message.find(":3:7: 'pull' must be loopback, any or never, got 'sometimes'"), std::string::npos) << message;
  EXPECT_NE(message.find("missing required key 'image'"), std::string::npos) << message;
}

TEST(StackChoice, a_stack_file_that_is_not_yaml_or_absent_is_an_error_naming_it) {
  const auto broken = write_file("broken.yaml", "name: [unclosed\n");
  auto stack = read_stack_file(broken, "loopback");
  ASSERT_FALSE(stack);
  EXPECT_EQ(stack.error().message().rfind(broken.string() + ":", 0), 0u) << stack.error().message();
  auto absent = resolve_stack("/nonexistent/stack.yaml", "loopback");
  ASSERT_FALSE(absent);
  EXPECT_NE(absent.error().message().find("cannot read the stack file"), std::string::npos);
}

TEST(StackChoice, run_stacks_keeps_the_order_refuses_a_name_twice_and_refuses_driver_or_image_beside_it) {
  auto two = run_stacks({"bookworm", "trixie"}, "local", "", "loopback");
  ASSERT_TRUE(two);
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ(two->at(1).name, "trixie");
  EXPECT_FALSE(run_stacks({"trixie", "trixie"}, "local", "", "loopback"));
  EXPECT_FALSE(run_stacks({"trixie"}, "docker", "", "loopback"));
  EXPECT_FALSE(run_stacks({"trixie"}, "local", "x:1", "loopback"));
  EXPECT_FALSE(run_stacks({"not a name"}, "local", "", "loopback"));
  auto none = run_stacks({}, "docker", "celery-chaos/services:trixie", "never");
  ASSERT_TRUE(none);
  ASSERT_EQ(none->size(), 1u);
  EXPECT_TRUE(none->front().name.empty());  // no stack named: reports as before
  EXPECT_EQ(none->front().image, "celery-chaos/services:trixie");
}

}  // namespace
