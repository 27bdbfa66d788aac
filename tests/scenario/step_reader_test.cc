#include "harness/scenario/step_reader.h"

#include <gtest/gtest.h>

#include "tests/scenario/scenario_test_util.h"

namespace harness::scenario {
namespace {

using namespace std::chrono_literals;
using testing::load_error;
using testing::load_errors;
using testing::load_ok;

// Steps start on line 7.
const std::string k_head =
    "name: t\ntimeout: 1m\nservices:\n  broker: {image: rabbitmq}\n"
    "  worker: {image: celery, broker: broker, healthcheck: {test: x}}\nsteps:\n";

std::vector<Step> load_steps(const std::string& steps) { return load_ok(k_head + steps).steps; }

TEST(ScenarioStepTest, wait_for_a_duration) {
  const auto steps = load_steps("  - wait: 5s\n  - wait: 7\n");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(params_of<WaitStep>(steps[0]).duration, 5s);
  EXPECT_EQ(params_of<WaitStep>(steps[1]).duration, 7s);  // a YAML integer: seconds
  EXPECT_EQ(params_of<WaitStep>(steps[0]).timeout, 60s);
  EXPECT_EQ(steps[0].location.line, 7);
  EXPECT_EQ(steps[0].location.column, 5);
}

TEST(ScenarioStepTest, wait_for_services) {
  const auto steps = load_steps(
      "  - wait: {ready: all, healthy: worker, timeout: 2m}\n"
      "  - wait: {ready: broker, timeout: 1s}\n  - wait: {}\n");
  ASSERT_EQ(steps.size(), 3u);
  const auto& all = params_of<WaitStep>(steps[0]);
  EXPECT_EQ(all.ready, (std::vector<std::string>{"broker", "worker"}));
  EXPECT_EQ(all.healthy, (std::vector<std::string>{"worker"}));
  EXPECT_EQ(all.timeout, 2min);
  const auto& one = params_of<WaitStep>(steps[1]);
  EXPECT_EQ(one.ready, (std::vector<std::string>{"broker"}));
  EXPECT_EQ(one.timeout, 1s);
  const auto& empty = params_of<WaitStep>(steps[2]);
  EXPECT_TRUE(empty.ready.empty());
  EXPECT_TRUE(empty.healthy.empty());
  EXPECT_FALSE(empty.duration.has_value());
}

TEST(ScenarioStepTest, a_wait_is_for_a_duration_or_drained_or_services) {
  // The runner does one of the three: keys of another would do nothing.
  const std::string why = " in a wait step (it waits for a duration, for drained, for executed, or for services)";
  EXPECT_EQ(load_errors(k_head + "  - wait: {duration: 1s, ready: broker, timeout: 5s, fail_on_timeout: false}\n"
                                 "  - wait: {executed: 2, ready: broker}\n  - wait: {executed: 0}\n"),
            (std::vector<std::string>{
                "test.yaml:7:26: 'ready' cannot be combined with 'duration'" + why,
                "test.yaml:7:41: 'timeout' cannot be combined with 'duration'" + why,
                "test.yaml:7:54: 'fail_on_timeout' cannot be combined with 'duration'" + why,
                "test.yaml:8:25: 'ready' cannot be combined with 'executed'" + why,
                "test.yaml:9:22: 'executed' must be an integer >= 1, got '0'",
            }));
  const auto s = load_ok(k_head + "  - wait: {executed: 3, timeout: 20s}\n");
  const auto& wait = params_of<WaitStep>(s.steps.at(0));
  EXPECT_EQ(wait.executed, 3);
  EXPECT_EQ(wait.timeout, Millis{20'000});
}

TEST(ScenarioStepTest, wait_duration_must_be_valid) {
  EXPECT_EQ(load_error(k_head + "  - wait: 5x\n"),
            "test.yaml:7:11: invalid duration '5x' for 'wait' (expected e.g. 500ms, 10s, 1m30s)");
  EXPECT_EQ(load_error(k_head + "  - wait: {duration: 0s}\n"),
            "test.yaml:7:22: 'duration' must be a positive duration, got '0s'");
}

TEST(ScenarioStepTest, wait_must_be_a_duration_or_a_map) {
  EXPECT_EQ(load_error(k_head + "  - wait: [a]\n"),
            "test.yaml:7:11: 'wait' must be a duration (e.g. 10s) or a map with ready, healthy, drained, executed, "
            "duration or timeout, got a list");
}

TEST(ScenarioStepTest, wait_keys) {
  EXPECT_EQ(load_errors(k_head + "  - wait: {drianed: true, redy: [broker]}\n"),
            (std::vector<std::string>{
                "test.yaml:7:12: unknown key 'drianed' in wait step (did you mean 'drained'?)",
                "test.yaml:7:27: unknown key 'redy' in wait step (did you mean 'ready'?)",
            }));
}

TEST(ScenarioStepTest, wait_refers_to_defined_services) {
  EXPECT_EQ(load_error(k_head + "  - wait: {ready: [broker, wrker]}\n"),
            "test.yaml:7:28: wait step refers to undefined service 'wrker' (did you mean 'worker'?)");
  EXPECT_EQ(load_error(k_head + "  - wait: {ready: results}\n"),
            "test.yaml:7:19: wait step refers to undefined service 'results' (defined services: broker, worker)");
}

TEST(ScenarioStepTest, wait_service_lists) {
  EXPECT_EQ(load_error(k_head + "  - wait: {ready: []}\n"), "test.yaml:7:19: 'ready' must name at least one service");
  EXPECT_EQ(load_error(k_head + "  - wait: {ready: [[a]]}\n"),
            "test.yaml:7:20: entry 1 of 'ready' must be a service name, got a list");
  EXPECT_EQ(load_error(k_head + "  - wait: {healthy: {a: 1}}\n"),
            "test.yaml:7:21: 'healthy' must be a service name or a list of them, got a map");
}

TEST(ScenarioStepTest, wait_healthy_needs_a_healthcheck) {
  EXPECT_EQ(load_error(k_head + "  - wait: {healthy: [worker, broker]}\n"),
            "test.yaml:7:30: wait step waits for service 'broker' to be healthy, but it has no healthcheck");
}

TEST(ScenarioStepTest, exec_command) {
  const auto steps = load_steps(
      "  - exec: rabbitmqctl status\n"
      "  - exec: {command: 'celery inspect ping', service: worker, timeout: 5s, "
      "expect_exit: 3}\n");
  ASSERT_EQ(steps.size(), 2u);
  const auto& plain = params_of<ExecStep>(steps[0]);
  EXPECT_EQ(plain.command, "rabbitmqctl status");
  EXPECT_EQ(plain.service, "");
  EXPECT_EQ(plain.timeout, 60s);
  EXPECT_FALSE(plain.expect_exit.has_value());
  const auto& full = params_of<ExecStep>(steps[1]);
  EXPECT_EQ(full.command, "celery inspect ping");
  EXPECT_EQ(full.service, "worker");
  EXPECT_EQ(full.timeout, 5s);
  EXPECT_EQ(full.expect_exit, 3);
}

TEST(ScenarioStepTest, exec_must_be_a_command_or_a_map) {
  EXPECT_EQ(load_error(k_head + "  - exec: ''\n"), "test.yaml:7:11: 'exec' must not be empty");
  EXPECT_EQ(load_error(k_head + "  - exec: [a]\n"),
            "test.yaml:7:11: 'exec' must be a shell command or a map with command, service, timeout or expect_exit, "
            "got a list");
}

TEST(ScenarioStepTest, exec_problems_are_all_reported) {
  EXPECT_EQ(load_errors(k_head + "  - exec: {service: brokr, timeout: x, expect_exit: 300, cmd: x}\n"),
            (std::vector<std::string>{
                "test.yaml:7:11: missing required key 'command' in exec step",
                "test.yaml:7:21: exec step refers to undefined service 'brokr' (did you mean 'broker'?)",
                "test.yaml:7:37: invalid duration 'x' for 'timeout' (expected e.g. 500ms, 10s, 1m30s)",
                "test.yaml:7:53: 'expect_exit' must be an integer from 0 to 255, got '300'",
                "test.yaml:7:58: unknown key 'cmd' in exec step (expected one of: command, service, timeout, "
                "expect_exit)",
            }));
}

TEST(ScenarioStepTest, step_must_be_a_map) {
  EXPECT_EQ(load_error(k_head + "  - wait\n"),
            "test.yaml:7:5: a step must be a map with one action (wait, exec, fault, load or rollout), got 'wait'");
}

TEST(ScenarioStepTest, steps_must_be_a_list) {
  EXPECT_EQ(load_error(k_head + "  wait: 5s\n"), "test.yaml:7:3: 'steps' must be a list of steps, got a map");
}

TEST(ScenarioStepTest, step_needs_an_action) {
  EXPECT_EQ(load_error(k_head + "  - {name: idle, at: 1s}\n"),
            "test.yaml:7:5: step has no action (expected one of: wait, exec, fault, load, rollout)");
}

TEST(ScenarioStepTest, step_has_one_action) {
  EXPECT_EQ(load_error(k_head + "  - wait: 1s\n    exec: x\n"),
            "test.yaml:8:5: step has more than one action: 'wait', 'exec' (expected exactly one of: wait, exec, "
            "fault, load, rollout)");
}

TEST(ScenarioStepTest, misspelt_action_is_reported_once) {
  EXPECT_EQ(load_error(k_head + "  - wiat: 5s\n"), "test.yaml:7:5: unknown key 'wiat' in step (did you mean 'wait'?)");
  EXPECT_EQ(load_error(k_head + "  - {name: a, exce: x}\n"),
            "test.yaml:7:15: unknown key 'exce' in step (did you mean 'exec'?)");
  EXPECT_EQ(load_error(k_head + "  - {wait: 1s, sleep: 1s}\n"),
            "test.yaml:7:16: unknown key 'sleep' in step (expected one of: wait, exec, fault, load, rollout, at, for, name)");
}

TEST(ScenarioStepTest, at_for_and_name) {
  const auto steps =
      load_steps("  - {at: 0s, wait: 1s}\n  - {at: 10s, for: 5s, name: later, fault: {pause: worker}}\n");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].at, 0s);
  EXPECT_FALSE(steps[0].for_.has_value());
  EXPECT_EQ(steps[0].name, "");
  EXPECT_EQ(steps[1].at, 10s);
  EXPECT_EQ(steps[1].for_, 5s);
  EXPECT_EQ(steps[1].name, "later");
}

TEST(ScenarioStepTest, for_applies_only_to_fault_steps) {
  EXPECT_EQ(load_errors(k_head + "  - {for: 5s, wait: 1s}\n  - {exec: x, for: 5s}\n"),
            (std::vector<std::string>{
                "test.yaml:7:6: 'for' applies only to fault steps",
                "test.yaml:8:15: 'for' applies only to fault steps",
            }));
}

TEST(ScenarioStepTest, at_must_not_go_back_in_time) {
  EXPECT_EQ(load_error(k_head + "  - {at: 10s, wait: 1s}\n  - {exec: x}\n  - {at: 5s, wait: 1s}\n"),
            "test.yaml:9:10: step 'at' 5s is earlier than the 'at' 10s of a step before it (steps run in order)");
}

TEST(ScenarioStepTest, at_must_be_before_the_timeout) {
  EXPECT_EQ(load_error(k_head + "  - {at: 1m, wait: 1s}\n"),
            "test.yaml:7:10: step 'at' 1m is not before the scenario timeout 1m");
}

TEST(ScenarioStepTest, at_for_and_name_values) {
  EXPECT_EQ(load_errors(k_head + "  - at: -1s\n    for: 0s\n    name: [a]\n    fault: {pause: worker}\n"),
            (std::vector<std::string>{
                "test.yaml:7:9: invalid duration '-1s' for 'at' (expected e.g. 500ms, 10s, 1m30s)",
                "test.yaml:8:10: 'for' must be a positive duration, got '0s'",
                "test.yaml:9:11: 'name' must be a string, got a list",
            }));
}

TEST(ScenarioStepTest, references_are_not_checked_without_services) {
  // `services:` is broken: that is the one error, not every reference to a service.
  EXPECT_EQ(load_error("name: t\nservices: []\nsteps:\n  - exec: {command: x, service: nope}\n"),
            "test.yaml:2:11: 'services' must be a map of service name to service, got a list");
}

}  // namespace
}  // namespace harness::scenario
