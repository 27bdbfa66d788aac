// health / restarts / exit checks on hand-made histories: each passes where its property holds and fails where
// it is broken, with the exact message.
#include "harness/check/orchestration_checks.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {
using harness::check::Outcome;
using harness::history::Event;
using namespace std::chrono_literals;

harness::history::Event ev(double t, std::string type, std::string service, nlohmann::json data = nlohmann::json::object()) {
  harness::history::Event e;
  e.t = t;
  e.type = std::move(type);
  e.service = std::move(service);
  e.data = std::move(data);
  return e;
}

std::vector<harness::history::Event> flapping_worker() {
  return {
      ev(1.0, "service.started", "worker.1", {{"pid", 100}}),
      ev(2.0, "stack.ready", ""),
      ev(2.0, "health.state", "worker.1", {{"state", "starting"}}),
      ev(5.0, "health.state", "worker.1", {{"state", "healthy"}}),
      ev(9.0, "health.probe", "worker.1", {{"exit_code", 1}, {"timed_out", false}, {"state", "healthy"}, {"output", "Error: No nodes replied"}}),
      ev(11.0, "health.probe", "worker.1", {{"exit_code", -1}, {"timed_out", true}, {"state", "unhealthy"}, {"output", ""}}),
      ev(11.0, "health.state", "worker.1", {{"state", "unhealthy"}}),
      ev(12.0, "service.exited", "worker.1", {{"code", 0}, {"signal", 15}, {"describe", "killed by SIGTERM"}}),
      ev(12.1, "service.restarted", "worker.1", {{"reason", "unhealthy after 2 failed probes"}}),
      ev(12.1, "health.state", "worker.1", {{"state", "starting"}}),
      ev(15.0, "health.probe", "worker.1", {{"exit_code", 0}, {"timed_out", false}, {"state", "healthy"}, {"output", "pong"}}),
      ev(15.0, "health.state", "worker.1", {{"state", "healthy"}}),
      ev(18.0, "health.probe", "worker.1", {{"exit_code", 0}, {"timed_out", false}, {"state", "healthy"}, {"output", "pong"}}),
      ev(15.0, "health.state", "worker-pg.1", {{"state", "unhealthy"}}),  // another service: never counted
  };
}

// The parameters of each kind, written as the tests' braces: {service, state, within, never, always}, ...
struct HealthSpec {
  std::string service;
  std::string state;
  std::optional<std::chrono::milliseconds> within;
  std::string never;
  std::string always;
};
harness::check::HealthParams health(const HealthSpec& spec) {
  harness::check::HealthParams params;
  params.service = spec.service;
  params.state = spec.state;
  params.within = spec.within;
  params.never = spec.never;
  params.always = spec.always;
  return params;
}

struct RestartsSpec {
  std::string service;
  std::optional<int> min;
  std::optional<int> max;
};
harness::check::RestartsParams restarts(const RestartsSpec& spec) {
  harness::check::RestartsParams params;
  params.service = spec.service;
  params.min = spec.min;
  params.max = spec.max;
  return params;
}

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

TEST(HealthCheck, within_passes_when_the_state_is_reached_in_time) {
  auto v = harness::check::judge_health(health({"worker", "unhealthy", 10s, "", ""}), "h", "s.health", flapping_worker());
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "worker.1 became unhealthy 9.0s after the stack was ready");
}

TEST(HealthCheck, within_fails_when_the_state_comes_too_late) {
  auto v = harness::check::judge_health(health({"worker", "unhealthy", 5s, "", ""}), "h", "s.health", flapping_worker());
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message.substr(0, 68), "expected 'worker' to become unhealthy within 5s; it did not (worker.");
  // The failure shows the last probe outputs.
  EXPECT_NE(v.details.find("probe at 9.0s on worker.1: exit 1 -> healthy\n  Error: No nodes replied"), std::string::npos);
  EXPECT_NE(v.details.find("probe at 11.0s on worker.1: timed out -> unhealthy"), std::string::npos);
}

// `after: fault`: a state reached before the first fault does not count, so a worker that went unhealthy while
// its broker was still booting does not pass "turns unhealthy under the fault" for the wrong reason.
harness::check::HealthParams after_fault(harness::check::HealthParams spec) {
  spec.after_fault = true;
  return spec;
}

std::vector<harness::history::Event> with_fault_at(double t) {
  auto history = flapping_worker();
  history.push_back(ev(t, "fault.start", "broker", {{"kind", "pidbox-reply-expiry"}}));
  std::stable_sort(history.begin(), history.end(), [](const harness::history::Event& a, const harness::history::Event& b) { return a.t < b.t; });
  return history;
}

TEST(HealthCheck, after_a_fault_only_changes_from_the_fault_on_count) {
  const auto unhealthy_within = after_fault(health({"worker", "unhealthy", 10s, "", ""}));
  auto v = harness::check::judge_health(unhealthy_within, "h", "s.health", with_fault_at(12.5));
  EXPECT_EQ(v.outcome, Outcome::k_failed);  // unhealthy at 11.0, before the fault
  EXPECT_EQ(v.message.substr(0, 70), "expected 'worker' to become unhealthy within 10s; it did not (worker.1");
  v = harness::check::judge_health(unhealthy_within, "h", "s.health", with_fault_at(6.0));
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "worker.1 became unhealthy 5.0s after the first fault (pidbox-reply-expiry)");
}

TEST(HealthCheck, after_a_fault_never_and_always_judge_the_state_at_the_fault_too) {
  const auto never_unhealthy = after_fault(health({"worker", "", std::nullopt, "unhealthy", ""}));
  EXPECT_EQ(harness::check::judge_health(never_unhealthy, "h", "s.health", with_fault_at(12.5)).outcome,
            Outcome::k_passed);  // starting at the fault (12.1), healthy at 15.0
  auto v = harness::check::judge_health(never_unhealthy, "h", "s.health", with_fault_at(11.5));
  EXPECT_EQ(v.outcome, Outcome::k_failed);  // unhealthy since 11.0: still unhealthy when the fault started
  EXPECT_EQ(v.message, "expected 'worker' never to be unhealthy; worker.1 was at -0.5s");
  EXPECT_EQ(harness::check::judge_health(after_fault(health({"worker", "", std::nullopt, "", "healthy"})), "h", "s.health",
                                         with_fault_at(16.0))
                .outcome,
            Outcome::k_passed);  // healthy since 15.0 and never left it
}

TEST(HealthCheck, after_a_fault_without_any_fault_is_an_error) {
  const auto v = harness::check::judge_health(after_fault(health({"worker", "", std::nullopt, "unhealthy", ""})), "h",
                                              "s.health", flapping_worker());
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "'after: fault', but no fault started in this run");
}

TEST(HealthCheck, never_fails_when_the_state_occurs) {
  auto v = harness::check::judge_health(health({"worker", "", std::nullopt, "unhealthy", ""}), "h", "s.health", flapping_worker());
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected 'worker' never to be unhealthy; worker.1 was at 9.0s");
}

TEST(HealthCheck, never_passes_when_the_state_never_occurs) {
  auto history = flapping_worker();
  history.resize(5);  // started, ready, starting, healthy, one passing probe
  auto v = harness::check::judge_health(health({"worker", "", std::nullopt, "unhealthy", ""}), "h", "s.health", history);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
}

TEST(HealthCheck, always_fails_when_the_state_is_left) {
  auto v = harness::check::judge_health(health({"worker", "", std::nullopt, "", "healthy"}), "h", "s.health", flapping_worker());
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected 'worker' to stay healthy; worker.1 became unhealthy at 9.0s");
}

TEST(HealthCheck, always_fails_when_the_state_is_never_reached) {
  std::vector<harness::history::Event> history = {ev(1, "stack.ready", ""), ev(1, "health.state", "worker.1", {{"state", "starting"}}),
                                ev(3, "health.probe", "worker.1", {{"exit_code", 1}, {"state", "starting"}})};
  auto v = harness::check::judge_health(health({"worker", "", std::nullopt, "", "healthy"}), "h", "s.health", history);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "expected 'worker' to be healthy throughout; it never was (worker.1 starting at 0.0s)");
}

// An instance that never ran a probe was never unhealthy, nor anything else: never/always over it prove nothing.
TEST(HealthCheck, never_or_always_without_any_probe_is_an_error) {
  const std::vector<harness::history::Event> unprobed = {ev(1, "service.started", "worker.1"), ev(2, "stack.ready", ""),
                                       ev(2, "health.state", "worker.1", {{"state", "starting"}})};
  auto v = harness::check::judge_health(health({"worker", "", std::nullopt, "unhealthy", ""}), "h", "s.health", unprobed);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no health probe of 'worker' ran: nothing to judge");
  v = harness::check::judge_health(health({"worker", "", std::nullopt, "", "healthy"}), "h", "s.health", unprobed);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no health probe of 'worker' ran: nothing to judge");
  v = harness::check::judge_health(health({"worker", "unhealthy", 10s, "", ""}), "h", "s.health", unprobed);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no health probe of 'worker' ran: nothing to judge");
}

TEST(HealthCheck, never_over_an_instance_that_ran_no_probe_is_an_error) {
  auto history = flapping_worker();
  history.resize(5);  // worker.1 probed at 9.0 s; worker.2 below never
  history.push_back(ev(3.0, "health.state", "worker.2", {{"state", "starting"}}));
  const auto v = harness::check::judge_health(health({"worker", "", std::nullopt, "unhealthy", ""}), "h", "s.health", history);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no health probe of worker.2 ran: nothing to judge");
}

TEST(HealthCheck, after_a_fault_without_a_probe_after_it_is_an_error) {
  const auto v = harness::check::judge_health(after_fault(health({"worker", "", std::nullopt, "unhealthy", ""})), "h",
                                              "s.health", with_fault_at(19.0));
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no health probe of 'worker' ran after the first fault (pidbox-reply-expiry): nothing to judge");
}

TEST(RestartsCheck, of_a_service_that_never_started_is_an_error) {
  const std::vector<harness::history::Event> history = {
      ev(0.5, "service.starting", "worker.1", {{"kind", "celery-worker"}}),
      ev(0.6, "service.failed", "worker.1", {{"detail", "cannot execute /nope/python3"}})};
  const auto v = harness::check::judge_restarts(restarts({"worker", std::nullopt, 0}), "r", "s.restarts", history);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "'worker' never started (cannot execute /nope/python3): nothing to judge");
}

TEST(RestartsCheck, counts_restarts_of_the_service_only) {
  auto ok = harness::check::judge_restarts(restarts({"worker", 1, std::nullopt}), "r", "s.restarts", flapping_worker());
  EXPECT_EQ(ok.outcome, Outcome::k_passed);
  EXPECT_EQ(ok.message, "1 restart(s) (expected at least 1)");
  auto too_many = harness::check::judge_restarts(restarts({"worker", std::nullopt, 0}), "r", "s.restarts", flapping_worker());
  EXPECT_EQ(too_many.outcome, Outcome::k_failed);
  EXPECT_EQ(too_many.message, "expected at most 0 restart(s) of 'worker'; 1 restart(s)");
  EXPECT_NE(too_many.details.find("unhealthy after 2 failed probes"), std::string::npos);
  auto too_few = harness::check::judge_restarts(restarts({"worker", 2, 3}), "r", "s.restarts", flapping_worker());
  EXPECT_EQ(too_few.message, "expected between 2 and 3 restart(s) of 'worker'; 1 restart(s)");
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

TEST(InstanceOf, matches_replicas_but_not_prefixed_services) {
  EXPECT_TRUE(harness::check::instance_of("worker.2", "worker"));
  EXPECT_TRUE(harness::check::instance_of("worker", "worker"));
  EXPECT_FALSE(harness::check::instance_of("worker-pg.1", "worker"));
  EXPECT_FALSE(harness::check::instance_of("worker.x", "worker"));
}

}  // namespace
