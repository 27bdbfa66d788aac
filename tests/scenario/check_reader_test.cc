#include "harness/scenario/check_reader.h"

#include <gtest/gtest.h>

#include "tests/scenario/scenario_test_util.h"

namespace harness::scenario {
namespace {

using namespace std::chrono_literals;
using testing::load_error;
using testing::load_errors;
using testing::load_ok;

// Checks start on line 6.
const std::string k_head =
    "name: t\nservices:\n  broker: {image: rabbitmq}\n  worker: {image: celery, broker: broker}\nchecks:\n";

std::vector<Check> load_checks(const std::string& checks) { return load_ok(k_head + checks).checks; }

TEST(ScenarioCheckTest, log_contains) {
  const auto checks = load_checks("  - log: {service: broker, contains: 'channel exception'}\n");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].name, "log broker contains 'channel exception'");
  EXPECT_EQ(checks[0].location.line, 6);
  EXPECT_EQ(checks[0].location.column, 5);
  const auto& log = std::get<LogCheck>(checks[0].body);
  EXPECT_EQ(log.service, "broker");
  EXPECT_EQ(log.contains, "channel exception");
  EXPECT_FALSE(log.not_contains.has_value());
  EXPECT_FALSE(log.regex);
}

TEST(ScenarioCheckTest, log_not_contains_with_regex) {
  const auto checks = load_checks("  - log: {service: worker, not_contains: 'Traceback \\(most', regex: true}\n");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].name, "log worker not_contains 'Traceback \\(most'");
  const auto& log = std::get<LogCheck>(checks[0].body);
  EXPECT_EQ(log.not_contains, "Traceback \\(most");
  EXPECT_TRUE(log.regex);
}

TEST(ScenarioCheckTest, log_needs_exactly_one_pattern) {
  EXPECT_EQ(load_error(k_head + "  - log: {service: broker}\n"),
            "test.yaml:6:10: log check needs 'contains' or 'not_contains'");
  EXPECT_EQ(load_error(k_head + "  - log: {service: broker, contains: a, not_contains: b}\n"),
            "test.yaml:6:41: log check has both 'contains' and 'not_contains' (expected exactly one)");
}

TEST(ScenarioCheckTest, log_needs_a_service) {
  EXPECT_EQ(load_error(k_head + "  - log: {contains: a}\n"),
            "test.yaml:6:10: missing required key 'service' in log check");
  EXPECT_EQ(load_error(k_head + "  - log: {service: brokr, contains: a}\n"),
            "test.yaml:6:20: log check refers to undefined service 'brokr' (did you mean 'broker'?)");
}

TEST(ScenarioCheckTest, log_must_be_a_map) {
  EXPECT_EQ(load_error(k_head + "  - log: broker\n"),
            "test.yaml:6:10: 'log' must be a map with 'service' and 'contains' or 'not_contains', got 'broker'");
}

TEST(ScenarioCheckTest, log_unknown_key) {
  EXPECT_EQ(load_error(k_head + "  - log: {service: broker, contains: a, regx: true}\n"),
            "test.yaml:6:41: unknown key 'regx' in log check (did you mean 'regex'?)");
}

TEST(ScenarioCheckTest, log_regex_must_compile) {
  EXPECT_EQ(load_error(k_head + "  - log: {service: broker, contains: 'a(', regex: true}\n"),
            "test.yaml:6:38: invalid regex 'a(' for 'contains': Mismatched '(' and ')' in regular expression");
  // Without regex: true the same text is a plain substring.
  EXPECT_EQ(std::get<LogCheck>(load_checks("  - log: {service: broker, contains: 'a('}\n")[0].body).contains, "a(");
}

TEST(ScenarioCheckTest, log_pattern_must_not_be_empty) {
  EXPECT_EQ(load_error(k_head + "  - log: {service: broker, contains: ''}\n"),
            "test.yaml:6:38: 'contains' must not be empty");
}

TEST(ScenarioCheckTest, exec_check) {
  const auto checks = load_checks(
      "  - exec: rabbitmq-diagnostics -q check_running\n"
      "  - exec: {command: 'celery -A probe inspect ping', service: worker, exit_code: 2, output_contains: pong, "
      "timeout: 15s}\n");
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].name, "exec 'rabbitmq-diagnostics -q check_running'");
  const auto& plain = std::get<ExecCheck>(checks[0].body);
  EXPECT_EQ(plain.command, "rabbitmq-diagnostics -q check_running");
  EXPECT_EQ(plain.exit_code, 0);
  EXPECT_EQ(plain.timeout, 60s);
  EXPECT_FALSE(plain.output_contains.has_value());
  EXPECT_EQ(checks[1].name, "exec 'celery -A probe inspect ping' in worker");
  const auto& full = std::get<ExecCheck>(checks[1].body);
  EXPECT_EQ(full.service, "worker");
  EXPECT_EQ(full.exit_code, 2);
  EXPECT_EQ(full.output_contains, "pong");
  EXPECT_EQ(full.timeout, 15s);
}

TEST(ScenarioCheckTest, generated_names_cut_long_commands) {
  const auto checks = load_checks("  - exec: python -c 'import sys; sys.exit(0)' && echo a long command indeed\n");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].name, "exec 'python -c 'import sys; sys.exit(0)' && e...'");
}

TEST(ScenarioCheckTest, exec_problems_are_all_reported) {
  EXPECT_EQ(load_errors(k_head + "  - exec: {service: wrker, exit_code: 256, output_contains: '', timeout: 0s}\n"),
            (std::vector<std::string>{
                "test.yaml:6:11: missing required key 'command' in exec check",
                "test.yaml:6:21: exec check refers to undefined service 'wrker' (did you mean 'worker'?)",
                "test.yaml:6:39: 'exit_code' must be an integer from 0 to 255, got '256'",
                "test.yaml:6:61: 'output_contains' must not be empty",
                "test.yaml:6:74: 'timeout' must be a positive duration, got '0s'",
            }));
  EXPECT_EQ(load_error(k_head + "  - exec: [a]\n"),
            "test.yaml:6:11: 'exec' must be a shell command or a map with command, service, exit_code, "
            "output_contains or timeout, got a list");
}

TEST(ScenarioCheckTest, explicit_name) {
  const auto checks = load_checks("  - name: broker is up\n    exec: rabbitmqctl status\n");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].name, "broker is up");
  EXPECT_EQ(load_error(k_head + "  - name: ''\n    exec: z\n"), "test.yaml:6:11: 'name' must not be empty");
}

TEST(ScenarioCheckTest, names_must_be_unique) {
  EXPECT_EQ(load_error(k_head + "  - exec: x\n  - log: {service: broker, contains: a}\n  - exec: x\n"),
            "test.yaml:8:5: duplicate check name 'exec 'x'' (first used at line 6)");
  EXPECT_EQ(load_error(k_head + "  - {name: up, exec: x}\n  - {name: up, exec: y}\n"),
            "test.yaml:7:5: duplicate check name 'up' (first used at line 6)");
}

TEST(ScenarioCheckTest, later_check_kinds_are_not_supported_yet) {
  EXPECT_EQ(load_errors(k_head + "  - delivery: {lost: 0, duplicated: 0}\n"
                                 "  - health: {service: worker, state: unhealthy, within: 25s}\n"
                                 "  - restarts: {service: worker, min: 1}\n  - queue: {name: celery, max: 0}\n"),
            (std::vector<std::string>{
                "test.yaml:6:5: check kind 'delivery' is not supported yet (supported: log, exec)",
                "test.yaml:7:5: check kind 'health' is not supported yet (supported: log, exec)",
                "test.yaml:8:5: check kind 'restarts' is not supported yet (supported: log, exec)",
                "test.yaml:9:5: check kind 'queue' is not supported yet (supported: log, exec)",
            }));
}

TEST(ScenarioCheckTest, check_needs_exactly_one_kind) {
  EXPECT_EQ(load_error(k_head + "  - {name: nothing}\n"),
            "test.yaml:6:5: check has no kind (expected one of: log, exec)");
  EXPECT_EQ(load_error(k_head + "  - {log: {service: broker, contains: a}, exec: b}\n"),
            "test.yaml:6:43: check has more than one kind: 'log', 'exec' (expected exactly one of: log, exec)");
  EXPECT_EQ(load_error(k_head + "  - {lgo: {service: broker, contains: a}}\n"),
            "test.yaml:6:6: unknown key 'lgo' in check (did you mean 'log'?)");
}

TEST(ScenarioCheckTest, check_must_be_a_map) {
  EXPECT_EQ(load_error(k_head + "  - delivery\n"),
            "test.yaml:6:5: a check must be a map with one kind (log or exec), got 'delivery'");
  EXPECT_EQ(load_error(k_head + "  log: {}\n"), "test.yaml:6:3: 'checks' must be a list of checks, got a map");
}

}  // namespace
}  // namespace harness::scenario
