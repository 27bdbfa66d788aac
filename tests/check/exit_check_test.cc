// The exit check on hand-made histories and log files, with the exact message.
#include "harness/check/exit_check.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/check/instance_history_test_util.h"

namespace {
using harness::check::Outcome;
using harness::check::testing::ev;

struct ExitSpec {
  std::string service;
  std::optional<int> code;
  std::optional<std::string> log;
};
harness::check::ExitParams exit_params(const ExitSpec& spec) {
  harness::check::ExitParams params;
  params.service = spec.service;
  params.code = spec.code;
  params.log = spec.log;
  return params;
}

class ExitCheck : public testing::Test {
protected:
  void SetUp() override {
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "worker.1.log") << "Error: No such option: --queue (Possible options: --queues)\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("exit-check-" + std::to_string(::getpid()));
  std::vector<harness::history::Event> history = {ev(0.1, "service.started", "worker.1"), ev(0.6, "service.exited", "worker.1", {{"code", 2}, {"signal", 0}, {"describe", "exit code 2"}})};
};

TEST_F(ExitCheck, passes_on_the_expected_code_and_log) {
  auto v = harness::check::judge_exit(exit_params({"worker", 2, std::string("No such option: --queue")}), "e", "s.exit", history, dir);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "worker.1 exit code 2 at 0.6s and its log has 'No such option: --queue'");
}

TEST_F(ExitCheck, fails_on_another_code) {
  auto v = harness::check::judge_exit(exit_params({"worker", 1, std::nullopt}), "e", "s.exit", history, dir);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected 'worker' to exit with exit code 1; exits seen: worker.1 exit code 2 at 0.6s");
}

TEST_F(ExitCheck, fails_when_the_log_lacks_the_text) {
  auto v = harness::check::judge_exit(exit_params({"worker", std::nullopt, std::string("Unrecoverable error")}), "e", "s.exit", history, dir);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected 'worker' to exit with 'Unrecoverable error' in its log; exits seen: worker.1 exit code "
                       "2 at 0.6s (the log does not contain it)");
}

TEST_F(ExitCheck, fails_when_nothing_exited) {
  auto v = harness::check::judge_exit(exit_params({"worker", std::nullopt, std::nullopt}), "e", "s.exit", {history.front()}, dir);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected 'worker' to exit; it did not exit");
}

TEST_F(ExitCheck, of_a_service_that_never_started_is_an_error) {
  auto v = harness::check::judge_exit(exit_params({"worker", std::nullopt, std::nullopt}), "e", "s.exit", {}, dir);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "'worker' never started: nothing to judge");
}

// "It exited by itself": an exit the harness caused (a kill fault, a replacement of an unhealthy instance) is not one.
TEST_F(ExitCheck, exits_the_harness_caused_do_not_count) {
  const std::vector<harness::history::Event> killed = {
      ev(0.1, "service.started", "worker.1"),
      ev(2.0, "fault.start", "worker", {{"kind", "kill"}, {"signal", "SIGKILL"}, {"instances", {"worker.1"}}}),
      ev(2.1, "service.exited", "worker.1", {{"code", 0}, {"signal", 9}, {"describe", "killed by SIGKILL"}}),
      ev(3.0, "service.restarted", "worker.1"),
      ev(5.0, "service.killed", "worker.1", {{"reason", "unhealthy"}}),
      ev(5.2, "service.exited", "worker.1", {{"code", 0}, {"signal", 15}, {"describe", "killed by SIGTERM"}})};
  auto v = harness::check::judge_exit(exit_params({"worker", std::nullopt, std::nullopt}), "e", "s.exit", killed, dir);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected 'worker' to exit; it did not exit");
  EXPECT_EQ(v.details, "exits the harness caused (not counted): worker.1 at 2.1s, worker.1 at 5.2s\n");
  auto by_itself = killed;
  by_itself.push_back(ev(6.0, "service.restarted", "worker.1"));
  by_itself.push_back(ev(7.0, "service.exited", "worker.1", {{"code", 2}, {"signal", 0}, {"describe", "exit code 2"}}));
  v = harness::check::judge_exit(exit_params({"worker", 2, std::nullopt}), "e", "s.exit", by_itself, dir);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "worker.1 exit code 2 at 7.0s");
}

}  // namespace
