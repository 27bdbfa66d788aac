// Every check passes on a run where its property holds and fails where it is broken.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/check/exec_check.h"
#include "harness/check/log_check.h"

namespace {
namespace fs = std::filesystem;
using harness::check::Outcome;

class LogCheck : public testing::Test {
protected:
  void SetUp() override {
    fs::create_directories(dir);
    std::ofstream(dir / "broker.log") << "starting\noperation basic.consume caused a channel exception not_found\n";
    std::ofstream(dir / "worker.1.log") << "worker-1@cc ready.\n";
    std::ofstream(dir / "worker.2.log") << "Task probe.add[1f2e] succeeded in 0.01s: 5\n";
    std::ofstream(dir / "worker-pg.1.log") << "Task probe.add[abcd] succeeded\n";  // another service
  }
  void TearDown() override { fs::remove_all(dir); }

  // {service, contains, not_contains, regex}
  struct Spec {
    std::string service;
    std::optional<std::string> contains;
    std::optional<std::string> not_contains;
    bool regex = false;
  };
  harness::check::Verdict judge(const Spec& spec) {
    harness::check::LogParams check;
    check.service = spec.service;
    check.contains = spec.contains;
    check.not_contains = spec.not_contains;
    check.regex = spec.regex;
    return harness::check::judge_log(check, "c", "s.log", dir);
  }
  fs::path dir = fs::temp_directory_path() / ("log-check-" + std::to_string(::getpid()));
};

TEST_F(LogCheck, contains_passes_when_the_text_is_there) {
  auto v = judge({"broker", "channel exception not_found", std::nullopt, false});
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "found 'channel exception not_found' in broker.log: operation basic.consume caused a channel exception not_found");
}

TEST_F(LogCheck, contains_fails_when_the_text_is_missing) {
  auto v = judge({"broker", "Server startup complete", std::nullopt, false});
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected the log of 'broker' to contain 'Server startup complete'; it does not");
}

TEST_F(LogCheck, not_contains_fails_and_quotes_the_offending_line) {
  auto v = judge({"broker", std::nullopt, "not_found", false});
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected the log of 'broker' not to contain 'not_found'; broker.log has it: "
                       "operation basic.consume caused a channel exception not_found");
}

TEST_F(LogCheck, not_contains_passes_when_absent) {
  EXPECT_EQ(judge({"broker", std::nullopt, "CRASH REPORT", false}).outcome, Outcome::k_passed);
}

TEST_F(LogCheck, searches_every_replica_but_not_other_services_with_the_same_prefix) {
  EXPECT_EQ(judge({"worker", "probe.add[1f2e] succeeded", std::nullopt, false}).outcome, Outcome::k_passed);
  EXPECT_EQ(judge({"worker", "probe.add[abcd]", std::nullopt, false}).outcome, Outcome::k_failed);
}

TEST_F(LogCheck, regex_matches) {
  EXPECT_EQ(judge({"worker", R"(probe\.add\[[0-9a-f]+\] succeeded)", std::nullopt, true}).outcome, Outcome::k_passed);
  auto v = judge({"worker", R"(probe\.sleep\[)", std::nullopt, true});
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, R"(expected the log of 'worker' to contain a match for /probe\.sleep\[/; it does not)");
}

TEST_F(LogCheck, no_log_of_the_service_is_an_error) {
  auto v = judge({"db", "ready", std::nullopt, false});
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no log of service 'db' in " + dir.string());
}

// A log without a line contains nothing, so "not_contains" would hold of it whatever happened.
TEST_F(LogCheck, an_empty_log_is_an_error_not_a_pass) {
  std::ofstream(dir / "db.log").close();
  std::ofstream(dir / "db.1.log").close();
  auto v = judge({"db", std::nullopt, "FATAL", false});
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "the log of 'db' is empty (2 file(s) in " + dir.string() + "): nothing to judge");
  EXPECT_EQ(judge({"db", "ready", std::nullopt, false}).outcome, Outcome::k_error);
}

harness::check::ExecParams exec_params(std::string command, std::string service, int exit_code,
                                       std::optional<std::string> output_contains, std::chrono::milliseconds timeout) {
  harness::check::ExecParams params;
  params.command = std::move(command);
  params.service = std::move(service);
  params.exit_code = exit_code;
  params.output_contains = std::move(output_contains);
  params.timeout = timeout;
  return params;
}

harness::history::Event exec_event(int code, const std::string& output, bool timed_out = false) {
  harness::history::Event e;
  e.type = "exec.result";
  e.data = {{"command", "celery inspect ping"}, {"output", output}, {"timed_out", timed_out}, {"duration_s", 0.5}};
  if (!timed_out) {
    e.data["exit_code"] = code;
    e.data["signal"] = 0;
  }
  return e;
}

TEST(ExecCheck, passes_on_the_expected_exit_code_and_output) {
  const auto check = exec_params("celery inspect ping", "", 0, std::string("pong"), std::chrono::seconds{10});
  auto v = harness::check::judge_exec(check, "ping", "s.exec", exec_event(0, "-> w1: OK\n        pong\n"));
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.duration, std::chrono::milliseconds{500});
}

TEST(ExecCheck, fails_on_another_exit_code) {
  const auto check = exec_params("celery inspect ping", "", 0, std::nullopt, std::chrono::seconds{10});
  auto v = harness::check::judge_exec(check, "ping", "s.exec",
                                      exec_event(69, "Error: No nodes replied within time constraint"));
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected exit code 0; it exited with 69");
  EXPECT_NE(v.details.find("No nodes replied"), std::string::npos);
}

TEST(ExecCheck, fails_when_the_output_lacks_the_text) {
  const auto check = exec_params("celery inspect ping", "", 0, std::string("pong"), std::chrono::seconds{10});
  auto v = harness::check::judge_exec(check, "ping", "s.exec", exec_event(0, "nothing"));
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected exit code 0 and output containing 'pong'; its output does not contain 'pong'");
}

TEST(ExecCheck, fails_on_timeout) {
  const auto check = exec_params("sleep 100", "", 0, std::nullopt, std::chrono::seconds{2});
  auto v = harness::check::judge_exec(check, "slow", "s.exec", exec_event(0, "", true));
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected exit code 0; it timed out after 2000 ms");
}

TEST(ExecCheck, a_non_zero_expected_code_passes_only_on_that_code) {
  const auto check = exec_params("false", "", 1, std::nullopt, std::chrono::seconds{2});
  EXPECT_EQ(harness::check::judge_exec(check, "f", "s.exec", exec_event(1, "")).outcome, Outcome::k_passed);
  EXPECT_EQ(harness::check::judge_exec(check, "f", "s.exec", exec_event(0, "")).outcome, Outcome::k_failed);
}

TEST(ExecCheck, fails_at_once_when_the_service_has_no_running_instance) {
  const auto check = exec_params("celery inspect ping", "worker", 0, std::nullopt, std::chrono::seconds{60});
  harness::history::Event e;
  e.type = "exec.result";
  e.data = {{"command", "celery inspect ping"},
            {"service", "worker"},
            {"no_instance",
             "service 'worker' has no running instance (worker.1 exited (killed by SIGKILL) at 12.3 s)"}};
  auto v = harness::check::judge_exec(check, "ping", "s.exec", e);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected exit code 0; service 'worker' has no running instance (worker.1 exited (killed by "
                       "SIGKILL) at 12.3 s)");
}

}  // namespace
