#include <signal.h>

#include "harness/process/child_process.h"
#include "tests/process/process_test_util.h"

namespace {
using namespace process_test;
using harness::process::run_command;

class RunCommandTest : public ProcessTest {};

TEST_F(RunCommandTest, captures_output_and_exit_code) {
  const auto result = run_command(sh("echo hello; echo oops >&2; exit 4"), 5s);
  ASSERT_TRUE(result.status.has_value());
  EXPECT_EQ(result.status->code, 4);
  EXPECT_EQ(result.output, "hello\noops\n");
  EXPECT_FALSE(result.timed_out);
  EXPECT_FALSE(result.spawn_failed);
  EXPECT_FALSE(result.succeeded());
}

TEST_F(RunCommandTest, reports_a_command_killed_by_signal) {
  const auto result = run_command(sh("kill -KILL $$"), 5s);
  ASSERT_TRUE(result.status.has_value());
  EXPECT_EQ(result.status->signal, SIGKILL);
}

TEST_F(RunCommandTest, timeout_kills_the_command_and_its_grandchildren_promptly) {
  TempPath pidfile("timeout-grandchild");
  const auto result = run_command(sh("sleep 60 & echo $! > " + pidfile.string() + "; wait"), 300ms);
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.status.has_value());
  EXPECT_GE(result.duration, 300ms);
  EXPECT_LT(result.duration, 400ms);
  const pid_t grandchild = pid_from(pidfile.path());
  ASSERT_GT(grandchild, 0);
  // SIGKILLed with its group before run_command returned; reaped by the Reaper right after.
  EXPECT_TRUE(eventually([&] { return reaped(grandchild); }));
}

TEST_F(RunCommandTest, returns_when_the_leader_exits_even_if_a_backgrounded_grandchild_holds_the_pipe) {
  const auto result = run_command(sh("sleep 60 & echo $!; echo done"), 10s);
  EXPECT_LT(result.duration, 1s);
  ASSERT_TRUE(result.succeeded()) << result.output;
  std::istringstream lines(result.output);
  std::string grandchild, done;
  std::getline(lines, grandchild);
  std::getline(lines, done);
  EXPECT_EQ(done, "done");
  EXPECT_TRUE(eventually([&] { return reaped(std::stoi(grandchild)); })) << "left in the command's group";
}

TEST_F(RunCommandTest, output_keeps_only_the_last_64_kib) {
  const auto result = run_command(sh("head -c 200000 /dev/zero | tr '\\0' x; echo END"), 10s);
  ASSERT_TRUE(result.succeeded());
  EXPECT_EQ(result.output.size(), 64u * 1024);
  EXPECT_EQ(result.output.substr(result.output.size() - 4), "END\n");
}

TEST_F(RunCommandTest, reports_a_spawn_failure_with_its_reason) {
  harness::process::SpawnOptions options;
  options.argv = {"celery-chaos-no-such-binary"};
  const auto result = run_command(options, 5s);
  EXPECT_TRUE(result.spawn_failed);
  EXPECT_FALSE(result.timed_out);
  EXPECT_FALSE(result.status.has_value());
  EXPECT_EQ(result.output, "cannot run 'celery-chaos-no-such-binary': not found on PATH");
}

TEST_F(RunCommandTest, many_concurrent_commands_each_get_their_own_output) {
  std::vector<std::thread> threads;
  std::vector<std::string> outputs(8);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    threads.emplace_back([&outputs, i] {
      for (int round = 0; round < 10; ++round) {
        const auto result = run_command(sh("echo " + std::to_string(i)), 5s);
        if (result.output != std::to_string(i) + "\n") outputs[i] += "[" + result.output + "]";
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& mismatch : outputs) EXPECT_EQ(mismatch, "");
}

}  // namespace
