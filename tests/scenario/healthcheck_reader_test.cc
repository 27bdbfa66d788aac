#include "harness/scenario/healthcheck_reader.h"

#include <gtest/gtest.h>

#include "tests/scenario/scenario_test_util.h"

namespace harness::scenario {
namespace {

using namespace std::chrono_literals;
using testing::load_error;
using testing::load_errors;
using testing::load_ok;

// The healthcheck's keys start on line 7, column 7.
const std::string k_head = "name: t\nservices:\n  w:\n    image: celery\n    broker_url: x\n    healthcheck:\n";

HealthCheck load_healthcheck(const std::string& keys) {
  const Scenario s = load_ok(k_head + keys);
  if (s.services.empty() || !s.services[0].healthcheck) {
    ADD_FAILURE() << "no healthcheck";
    return {};
  }
  return *s.services[0].healthcheck;
}

TEST(ScenarioHealthcheckTest, compose_keys) {
  const HealthCheck h = load_healthcheck(
      "      test: [\"CMD\", \"celery\", \"status\"]\n      interval: 2s\n      timeout: 1500ms\n"
      "      start_period: 0s\n      start_interval: 1s\n      retries: 5\n");
  EXPECT_EQ(h.test, (std::vector<std::string>{"CMD", "celery", "status"}));
  EXPECT_EQ(h.start_interval, 1s);
  EXPECT_EQ(h.interval, 2s);
  EXPECT_EQ(h.timeout, 1500ms);
  EXPECT_EQ(h.start_period, 0s);
  EXPECT_EQ(h.retries, 5);
  EXPECT_EQ(h.success_threshold, 1);
  EXPECT_EQ(h.location.line, 6);
  EXPECT_EQ(h.location.column, 5);
}

TEST(ScenarioHealthcheckTest, defaults_are_dockers) {
  const HealthCheck h = load_healthcheck("      test: [NONE]\n");
  EXPECT_EQ(h.test, (std::vector<std::string>{"NONE"}));
  EXPECT_EQ(h.interval, 30s);
  EXPECT_EQ(h.timeout, 30s);
  EXPECT_EQ(h.start_period, 0s);
  EXPECT_EQ(h.start_interval, 0s);  // the tracker's 5s
  EXPECT_EQ(h.retries, 3);
}

TEST(ScenarioHealthcheckTest, string_test_is_cmd_shell) {
  EXPECT_EQ(load_healthcheck("      test: celery -A probe status | grep OK\n").test,
            (std::vector<std::string>{"CMD-SHELL", "celery -A probe status | grep OK"}));
}

TEST(ScenarioHealthcheckTest, kubernetes_probe_keys) {
  const HealthCheck h = load_healthcheck(
      "      exec: {command: [celery, inspect, ping]}\n      periodSeconds: 10\n      timeoutSeconds: 1\n"
      "      failureThreshold: 6\n      successThreshold: 2\n      initialDelaySeconds: 15\n");
  EXPECT_EQ(h.test, (std::vector<std::string>{"CMD", "celery", "inspect", "ping"}));
  EXPECT_EQ(h.interval, 10s);
  EXPECT_EQ(h.timeout, 1s);
  EXPECT_EQ(h.retries, 6);
  EXPECT_EQ(h.success_threshold, 2);
  EXPECT_EQ(h.start_period, 15s);
}

TEST(ScenarioHealthcheckTest, kubernetes_keys_make_a_liveness_probe_with_kubernetes_defaults) {
  const HealthCheck h = load_healthcheck("      exec: {command: [celery, inspect, ping]}\n");
  EXPECT_TRUE(h.kubernetes);
  EXPECT_EQ(h.interval, 10s);
  EXPECT_EQ(h.timeout, 1s);
  EXPECT_EQ(h.retries, 3);
  EXPECT_FALSE(load_healthcheck("      test: x\n").kubernetes);
}

TEST(ScenarioHealthcheckTest, compose_and_kubernetes_keys_do_not_mix) {
  EXPECT_EQ(load_error(k_head + "      test: x\n      interval: 5s\n      failureThreshold: 2\n"),
            "test.yaml:9:7: 'failureThreshold' (Kubernetes) cannot be mixed with 'test' (Compose) in one healthcheck: "
            "Docker and the kubelet time probes differently (expected Compose keys or Kubernetes probe keys)");
}

TEST(ScenarioHealthcheckTest, disable_means_none) {
  EXPECT_EQ(load_healthcheck("      test: x\n      disable: true\n").test, (std::vector<std::string>{"NONE"}));
  EXPECT_EQ(load_healthcheck("      disable: true\n").test, (std::vector<std::string>{"NONE"}));
}

TEST(ScenarioHealthcheckTest, must_be_a_map) {
  EXPECT_EQ(load_error(k_head + "      [a]\n"),
            "test.yaml:7:7: 'healthcheck' must be a map of Compose healthcheck or Kubernetes probe keys, got a list");
}

TEST(ScenarioHealthcheckTest, needs_a_test) {
  EXPECT_EQ(load_error(k_head + "      interval: 5s\n"),
            "test.yaml:6:5: healthcheck of service 'w' needs 'test' (Compose) or 'exec' (Kubernetes)");
}

TEST(ScenarioHealthcheckTest, unknown_key) {
  EXPECT_EQ(load_error(k_head + "      test: x\n      intervall: 5s\n"),
            "test.yaml:8:7: unknown key 'intervall' in healthcheck of service 'w' (did you mean 'interval'?)");
  EXPECT_EQ(load_error(k_head + "      test: x\n      httpGet: {path: /}\n"),
            "test.yaml:8:7: unknown key 'httpGet' in healthcheck of service 'w' (expected one of: test, interval, "
            "timeout, start_period, start_interval, retries, disable, exec, periodSeconds, timeoutSeconds, "
            "failureThreshold, successThreshold, initialDelaySeconds)");
}

TEST(ScenarioHealthcheckTest, test_type_must_be_cmd_cmd_shell_or_none) {
  EXPECT_EQ(load_error(k_head + "      test: [SHELL, x]\n"),
            "test.yaml:7:13: invalid healthcheck test type 'SHELL' (expected CMD, CMD-SHELL or NONE as the first "
            "entry, or a shell command string)");
}

TEST(ScenarioHealthcheckTest, test_arguments_must_fit_the_type) {
  EXPECT_EQ(load_error(k_head + "      test: [CMD]\n"),
            "test.yaml:7:13: healthcheck test 'CMD' needs a program (and arguments) after it");
  EXPECT_EQ(load_error(k_head + "      test: [CMD-SHELL, a, b]\n"),
            "test.yaml:7:13: healthcheck test 'CMD-SHELL' takes exactly one shell command after it");
  EXPECT_EQ(load_error(k_head + "      test: [NONE, x]\n"),
            "test.yaml:7:13: healthcheck test 'NONE' takes nothing after it");
}

TEST(ScenarioHealthcheckTest, test_must_not_be_empty) {
  EXPECT_EQ(load_error(k_head + "      test: []\n"),
            "test.yaml:7:13: 'test' must not be empty (expected e.g. [\"CMD-SHELL\", \"command\"])");
  EXPECT_EQ(load_error(k_head + "      test: ''\n"),
            "test.yaml:7:13: 'test' must not be empty (expected e.g. [\"CMD-SHELL\", \"command\"])");
}

TEST(ScenarioHealthcheckTest, compose_and_kubernetes_keys_for_the_same_field) {
  EXPECT_EQ(load_errors(k_head + "      test: x\n      exec: {command: [a]}\n      interval: 5s\n"
                                 "      periodSeconds: 5\n"),
            (std::vector<std::string>{
                "test.yaml:8:7: 'test' (Compose) and 'exec' (Kubernetes) set the same thing (expected only one of "
                "them)",
                "test.yaml:10:7: 'interval' (Compose) and 'periodSeconds' (Kubernetes) set the same thing (expected "
                "only one of them)",
            }));
}

TEST(ScenarioHealthcheckTest, exec_needs_a_command_list) {
  EXPECT_EQ(load_error(k_head + "      exec: [a]\n"),
            "test.yaml:7:13: 'exec' must be a map with 'command' (a list: program and arguments), got a list");
  EXPECT_EQ(load_error(k_head + "      exec: {command: []}\n"),
            "test.yaml:7:23: 'command' must not be empty (expected a program and its arguments)");
  EXPECT_EQ(load_error(k_head + "      exec: {command: a b}\n"),
            "test.yaml:7:23: 'command' must be a list of strings, got 'a b'");
  EXPECT_EQ(load_errors(k_head + "      exec: {cmd: [a]}\n"),
            (std::vector<std::string>{
                "test.yaml:7:13: missing required key 'command' in healthcheck 'exec'",
                "test.yaml:7:14: unknown key 'cmd' in healthcheck 'exec' (expected one of: command)",
            }));
}

TEST(ScenarioHealthcheckTest, bad_values_are_all_reported) {
  EXPECT_EQ(load_errors(k_head + R"(      test: x
      interval: 0s
      timeout: soon
      start_period: -1s
      retries: 0
      successThreshold: -1
      disable: maybe
)"),
            (std::vector<std::string>{
                "test.yaml:8:17: 'interval' must be a positive duration, got '0s'",
                "test.yaml:9:16: invalid duration 'soon' for 'timeout' (expected e.g. 500ms, 10s, 1m30s)",
                "test.yaml:10:21: invalid duration '-1s' for 'start_period' (expected e.g. 500ms, 10s, 1m30s)",
                "test.yaml:11:16: 'retries' must be an integer >= 1, got '0'",
                "test.yaml:12:25: 'successThreshold' must be an integer >= 1, got '-1'",
                "test.yaml:13:16: 'disable' must be true or false, got 'maybe'",
            }));
  EXPECT_EQ(load_errors(k_head + R"(      exec: {command: [a]}
      periodSeconds: 0
      timeoutSeconds: x
      failureThreshold: 0
      initialDelaySeconds: -1
)"),
            (std::vector<std::string>{
                "test.yaml:8:22: 'periodSeconds' must be an integer >= 1, got '0'",
                "test.yaml:9:23: 'timeoutSeconds' must be an integer >= 1, got 'x'",
                "test.yaml:10:25: 'failureThreshold' must be an integer >= 1, got '0'",
                "test.yaml:11:28: 'initialDelaySeconds' must be an integer >= 0, got '-1'",
            }));
}

}  // namespace
}  // namespace harness::scenario
