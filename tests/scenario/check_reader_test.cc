#include "harness/scenario/check_reader.h"

#include <gtest/gtest.h>

#include "harness/check/delivery_check.h"
#include "harness/check/exec_check.h"
#include "harness/check/exit_check.h"
#include "harness/check/health_check.h"
#include "harness/check/log_check.h"
#include "harness/check/restarts_check.h"
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
  const auto& log = params_of<check::LogParams>(checks[0]);
  EXPECT_EQ(log.service, "broker");
  EXPECT_EQ(log.contains, "channel exception");
  EXPECT_FALSE(log.not_contains.has_value());
  EXPECT_FALSE(log.regex);
}

TEST(ScenarioCheckTest, when_names_versions_a_check_is_judged_on) {
  const auto checks = load_checks("  - name: broken before kombu 5.4\n"
                                  "    when: {kombu: \"<5.4\", rabbitmq: \">=3.10,<4\"}\n"
                                  "    log: {service: broker, contains: x}\n");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].when, (std::map<std::string, std::string>{{"kombu", "<5.4"}, {"rabbitmq", ">=3.10,<4"}}));
  EXPECT_TRUE(load_checks("  - log: {service: broker, contains: x}\n")[0].when.empty());
}

TEST(ScenarioCheckTest, when_refuses_unknown_components_and_bad_specs) {
  EXPECT_EQ(load_error(k_head + "  - when: {komb: \"<5.4\"}\n    log: {service: broker, contains: x}\n"),
            "test.yaml:6:12: unknown key 'komb' in when (did you mean 'kombu'?)");
  EXPECT_EQ(load_error(k_head + "  - when: {kombu: \"5.4\"}\n    log: {service: broker, contains: x}\n"),
            "test.yaml:6:19: invalid version spec for 'kombu': '5.4' is not a comparison such as <5.4, >=3.13,<4 "
            "or ==5.5.*");
  EXPECT_EQ(load_error(k_head + "  - when: kombu\n    log: {service: broker, contains: x}\n"),
            "test.yaml:6:11: 'when' must be a map of versions such as {kombu: \"<5.4\"}, got 'kombu'");
}

TEST(ScenarioCheckTest, log_not_contains_with_regex) {
  const auto checks = load_checks("  - log: {service: worker, not_contains: 'Traceback \\(most', regex: true}\n");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].name, "log worker not_contains 'Traceback \\(most'");
  const auto& log = params_of<check::LogParams>(checks[0]);
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
  EXPECT_EQ(params_of<check::LogParams>(load_checks("  - log: {service: broker, contains: 'a('}\n")[0]).contains, "a(");
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
  const auto& plain = params_of<check::ExecParams>(checks[0]);
  EXPECT_EQ(plain.command, "rabbitmq-diagnostics -q check_running");
  EXPECT_EQ(plain.exit_code, 0);
  EXPECT_EQ(plain.timeout, 60s);
  EXPECT_FALSE(plain.output_contains.has_value());
  EXPECT_EQ(checks[1].name, "exec 'celery -A probe inspect ping' in worker");
  const auto& full = params_of<check::ExecParams>(checks[1]);
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

// Orchestration checks (health, restarts, exit) start on line 7.
const std::string k_orchestration_head =
    "name: t\nservices:\n  broker: {image: rabbitmq}\n"
    "  worker: {image: celery, broker: broker, replicas: 2, healthcheck: {test: x}, restart: always}\n"
    "  beat: {image: celery, broker: broker, healthcheck: {disable: true}}\nchecks:\n";

std::vector<Check> load_orchestration_checks(const std::string& checks) {
  return load_ok(k_orchestration_head + checks).checks;
}

TEST(ScenarioCheckTest, health_state_within) {
  const auto checks = load_orchestration_checks(
      "  - health: {service: worker, state: unhealthy, within: 25s}\n"
      "  - health: {service: worker, state: starting, within: 1m30s}\n");
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].name, "health worker unhealthy within 25s");
  EXPECT_EQ(checks[0].location.line, 7);
  const auto& health = params_of<check::HealthParams>(checks[0]);
  EXPECT_EQ(health.service, "worker");
  EXPECT_EQ(health.state, "unhealthy");
  EXPECT_EQ(health.within, 25s);
  EXPECT_EQ(health.never, "");
  EXPECT_EQ(health.always, "");
  EXPECT_EQ(checks[1].name, "health worker starting within 1m30s");
}

TEST(ScenarioCheckTest, health_never_and_always) {
  const auto checks = load_orchestration_checks(
      "  - health: {service: worker, never: unhealthy}\n  - health: {service: worker, always: healthy}\n");
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].name, "health worker never unhealthy");
  const auto& never = params_of<check::HealthParams>(checks[0]);
  EXPECT_EQ(never.never, "unhealthy");
  EXPECT_EQ(never.state, "");
  EXPECT_FALSE(never.within.has_value());
  EXPECT_EQ(checks[1].name, "health worker always healthy");
  EXPECT_EQ(params_of<check::HealthParams>(checks[1]).always, "healthy");
}

TEST(ScenarioCheckTest, health_after_a_fault) {
  const auto checks = load_orchestration_checks(
      "  - health: {service: worker, state: unhealthy, within: 25s, after: fault}\n"
      "  - health: {service: worker, never: unhealthy, after: ready}\n");
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].name, "health worker unhealthy within 25s after the fault");
  EXPECT_TRUE(params_of<check::HealthParams>(checks[0]).after_fault);
  EXPECT_EQ(checks[1].name, "health worker never unhealthy");
  EXPECT_FALSE(params_of<check::HealthParams>(checks[1]).after_fault);
  EXPECT_EQ(load_error(k_orchestration_head + "  - health: {service: worker, never: unhealthy, after: boot}\n"),
            "test.yaml:7:56: invalid value 'boot' for 'after' (expected one of: ready, fault)");
}

TEST(ScenarioCheckTest, health_needs_a_healthcheck) {
  EXPECT_EQ(load_errors(k_orchestration_head + "  - health: {service: broker, never: unhealthy}\n"
                                               "  - health: {service: beat, never: unhealthy}\n"),
            (std::vector<std::string>{
                "test.yaml:7:23: health check on service 'broker', but it has no healthcheck",
                "test.yaml:8:23: health check on service 'beat', but it has no healthcheck",
            }));
}

TEST(ScenarioCheckTest, health_needs_exactly_one_form) {
  EXPECT_EQ(load_errors(k_orchestration_head + "  - health: {service: worker}\n"
                                               "  - health: {service: worker, never: unhealthy, always: healthy}\n"
                                               "  - health: {service: worker, state: unhealthy}\n"
                                               "  - health: {service: worker, never: unhealthy, within: 5s}\n"),
            (std::vector<std::string>{
                "test.yaml:7:13: health check needs 'state' (with 'within'), 'never' or 'always'",
                "test.yaml:8:49: health check has both 'never' and 'always' (expected exactly one of: state, never, "
                "always)",
                "test.yaml:9:31: health check has 'state' without 'within' (e.g. within: 30s)",
                "test.yaml:10:49: health check has 'within' without 'state'",
            }));
}

TEST(ScenarioCheckTest, health_values) {
  EXPECT_EQ(load_errors(k_orchestration_head + "  - health: {service: worker, state: sick, within: 0s}\n"
                                               "  - health: {service: workr, always: [healthy]}\n"
                                               "  - health: {stat: unhealthy}\n  - health: worker\n"),
            (std::vector<std::string>{
                "test.yaml:7:38: invalid value 'sick' for 'state' (expected one of: healthy, unhealthy, starting)",
                "test.yaml:7:52: 'within' must be a positive duration, got '0s'",
                "test.yaml:8:23: health check refers to undefined service 'workr' (did you mean 'worker'?)",
                "test.yaml:8:38: 'always' must be a string (one of: healthy, unhealthy, starting), got a list",
                "test.yaml:9:13: missing required key 'service' in health check",
                "test.yaml:9:13: health check needs 'state' (with 'within'), 'never' or 'always'",
                "test.yaml:9:14: unknown key 'stat' in health check (did you mean 'state'?)",
                "test.yaml:10:13: 'health' must be a map with 'service' and one of 'state' (with 'within'), 'never' "
                "or 'always', got 'worker'",
            }));
}

TEST(ScenarioCheckTest, restarts) {
  const auto checks = load_orchestration_checks(
      "  - restarts: {service: worker, min: 1}\n  - restarts: {service: broker, max: 0}\n"
      "  - restarts: {service: worker, min: 1, max: 3}\n  - restarts: {service: worker, min: 2, max: 2}\n");
  ASSERT_EQ(checks.size(), 4u);
  EXPECT_EQ(checks[0].name, "restarts worker >= 1");
  const auto& min = params_of<check::RestartsParams>(checks[0]);
  EXPECT_EQ(min.service, "worker");
  EXPECT_EQ(min.min, 1);
  EXPECT_FALSE(min.max.has_value());
  EXPECT_EQ(checks[1].name, "restarts broker <= 0");
  const auto& max = params_of<check::RestartsParams>(checks[1]);
  EXPECT_FALSE(max.min.has_value());
  EXPECT_EQ(max.max, 0);
  EXPECT_EQ(checks[2].name, "restarts worker 1..3");
  EXPECT_EQ(params_of<check::RestartsParams>(checks[2]).min, 1);
  EXPECT_EQ(params_of<check::RestartsParams>(checks[2]).max, 3);
  EXPECT_EQ(checks[3].name, "restarts worker 2..2");
}

TEST(ScenarioCheckTest, restarts_problems) {
  EXPECT_EQ(load_errors(k_orchestration_head + "  - restarts: {service: worker}\n"
                                               "  - restarts: {service: worker, min: 3, max: 1}\n"
                                               "  - restarts: {min: -1, max: x, maximum: 2}\n"
                                               "  - restarts: worker\n"),
            (std::vector<std::string>{
                "test.yaml:7:15: restarts check needs 'min' or 'max' (or both)",
                "test.yaml:8:46: restarts check 'max' 1 is less than 'min' 3",
                "test.yaml:9:15: missing required key 'service' in restarts check",
                "test.yaml:9:21: 'min' must be an integer >= 0, got '-1'",
                "test.yaml:9:30: 'max' must be an integer >= 0, got 'x'",
                "test.yaml:9:33: unknown key 'maximum' in restarts check (did you mean 'max'?)",
                "test.yaml:10:15: 'restarts' must be a map with 'service' and 'min' or 'max' (or both), got 'worker'",
            }));
}

TEST(ScenarioCheckTest, exit) {
  const auto checks = load_orchestration_checks(
      "  - exit: {service: worker}\n  - exit: {service: worker, code: 1}\n"
      "  - exit: {service: worker, log: 'Traceback'}\n"
      "  - exit: {service: broker, code: 0, log: 'a very long log line that goes on and on and on'}\n");
  ASSERT_EQ(checks.size(), 4u);
  EXPECT_EQ(checks[0].name, "exit worker");
  const auto& plain = params_of<check::ExitParams>(checks[0]);
  EXPECT_EQ(plain.service, "worker");
  EXPECT_FALSE(plain.code.has_value());
  EXPECT_FALSE(plain.log.has_value());
  EXPECT_EQ(checks[1].name, "exit worker code 1");
  EXPECT_EQ(params_of<check::ExitParams>(checks[1]).code, 1);
  EXPECT_EQ(checks[2].name, "exit worker log 'Traceback'");
  EXPECT_EQ(params_of<check::ExitParams>(checks[2]).log, "Traceback");
  EXPECT_EQ(checks[3].name, "exit broker code 0 log 'a very long log line that goes on and on...'");
  EXPECT_EQ(params_of<check::ExitParams>(checks[3]).code, 0);
}

TEST(ScenarioCheckTest, exit_problems) {
  EXPECT_EQ(load_errors(k_orchestration_head + "  - exit: {service: wrker, code: 256, log: ''}\n"
                                               "  - exit: {code: 1, signal: 9}\n  - exit: worker\n"),
            (std::vector<std::string>{
                "test.yaml:7:21: exit check refers to undefined service 'wrker' (did you mean 'worker'?)",
                "test.yaml:7:34: 'code' must be an integer from 0 to 255, got '256'",
                "test.yaml:7:44: 'log' must not be empty",
                "test.yaml:8:11: missing required key 'service' in exit check",
                "test.yaml:8:21: unknown key 'signal' in exit check (expected one of: service, code, log)",
                "test.yaml:9:11: 'exit' must be a map with 'service' and optionally 'code' and 'log', got 'worker'",
            }));
}

TEST(ScenarioCheckTest, generated_names_of_orchestration_checks_are_unique) {
  EXPECT_EQ(load_error(k_orchestration_head + "  - restarts: {service: worker, min: 1}\n"
                                              "  - restarts: {min: 1, service: worker}\n"),
            "test.yaml:8:5: duplicate check name 'restarts worker >= 1' (first used at line 7)");
}

TEST(ScenarioCheckTest, a_misspelt_later_kind_is_suggested) {
  EXPECT_EQ(load_error(k_head + "  - queues: {name: celery, depth: 0}\n"),
            "test.yaml:6:5: unknown key 'queues' in check (did you mean 'queue'?)");
}

// Delivery checks need a load step (loader.cc); they start on line 8.
const std::string k_delivery_head =
    "name: t\nservices:\n  broker: {image: rabbitmq}\n  worker: {image: celery, broker: broker}\n"
    "steps:\n  - load: {count: 10}\nchecks:\n";

std::vector<Check> load_delivery_checks(const std::string& checks) { return load_ok(k_delivery_head + checks).checks; }

TEST(ScenarioCheckTest, delivery_with_no_bounds_allows_nothing_lost_duplicated_or_phantom) {
  const auto checks = load_delivery_checks("  - delivery: {}\n");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].name, "delivery lost <= 0, duplicated <= 0, phantom <= 0");
  EXPECT_EQ(checks[0].location.line, 8);
  const auto& delivery = params_of<check::DeliveryParams>(checks[0]);
  EXPECT_EQ(delivery.load, "");
  EXPECT_FALSE(delivery.accepted.has_value());
  EXPECT_FALSE(delivery.lost.has_value());
  EXPECT_FALSE(delivery.duplicated.has_value());
  EXPECT_FALSE(delivery.phantom.has_value());
  EXPECT_FALSE(delivery.latency_p99.has_value());
  EXPECT_FALSE(delivery.recovery.has_value());
}

TEST(ScenarioCheckTest, delivery_names_carry_the_tick_bounds) {
  const auto checks = load_delivery_checks("  - delivery: {tick_duplicates: '>=3'}\n"
                                           "  - delivery: {load: load-1, missed_ticks: '==2'}\n");
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].name, "delivery tick_duplicates >= 3, missed_ticks <= 0");
  EXPECT_EQ(checks[1].name,
            "delivery load-1 lost <= 0, duplicated <= 0, phantom <= 0, tick_duplicates <= 0, missed_ticks == 2");
}

TEST(ScenarioCheckTest, delivery_bounds_of_every_operator) {
  const auto checks = load_delivery_checks(
      "  - delivery: {load: load-1, lost: 0, duplicated: '<=5', phantom: '==2'}\n"
      "  - delivery: {load: load-2, lost: '>0', duplicated: '>= 1', phantom: '<10'}\n"
      "  - delivery: {load: load-3, lost: '3'}\n");
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0].name, "delivery load-1 lost <= 0, duplicated <= 5, phantom == 2");
  EXPECT_EQ(checks[1].name, "delivery load-2 lost > 0, duplicated >= 1, phantom < 10");
  EXPECT_EQ(checks[2].name, "delivery load-3 lost <= 3, duplicated <= 0, phantom <= 0");
  using Op = CountBound::Op;
  const auto bound = [](const std::optional<CountBound>& b) {
    return b ? std::pair(b->op, b->value) : std::pair(Op::k_eq, std::int64_t{-1});
  };
  const auto& first = params_of<check::DeliveryParams>(checks[0]);
  EXPECT_EQ(first.load, "load-1");
  EXPECT_EQ(bound(first.lost), std::pair(Op::k_le, std::int64_t{0}));
  EXPECT_EQ(bound(first.duplicated), std::pair(Op::k_le, std::int64_t{5}));
  EXPECT_EQ(bound(first.phantom), std::pair(Op::k_eq, std::int64_t{2}));
  const auto& second = params_of<check::DeliveryParams>(checks[1]);
  EXPECT_EQ(bound(second.lost), std::pair(Op::k_gt, std::int64_t{0}));
  EXPECT_EQ(bound(second.duplicated), std::pair(Op::k_ge, std::int64_t{1}));
  EXPECT_EQ(bound(second.phantom), std::pair(Op::k_lt, std::int64_t{10}));
  EXPECT_EQ(bound(params_of<check::DeliveryParams>(checks[2]).lost), std::pair(Op::k_le, std::int64_t{3}));
}

// `accepted:` says how many publishes a load is expected to have accepted: `accepted: 0` is a load meant to be
// refused, which is then judged instead of being an error (nothing to judge).
TEST(ScenarioCheckTest, delivery_accepted_bound) {
  const auto checks = load_delivery_checks("  - delivery: {accepted: 0, lost: 0}\n  - delivery: {accepted: '>=10'}\n");
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].name, "delivery accepted <= 0, lost <= 0, duplicated <= 0, phantom <= 0");
  EXPECT_EQ(checks[1].name, "delivery accepted >= 10, lost <= 0, duplicated <= 0, phantom <= 0");
  EXPECT_EQ(params_of<check::DeliveryParams>(checks[1]).accepted->op, CountBound::Op::k_ge);
}

// `publish_took:` bounds how long the longest publish call took, as a comparison; a bare duration is an error at its
// line (it could mean either way).
TEST(ScenarioCheckTest, delivery_publish_took_is_a_duration_comparison) {
  const auto checks = load_delivery_checks("  - delivery: {load: l, publish_took: '>=5s'}\n");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].name, "delivery l lost <= 0, duplicated <= 0, phantom <= 0, publish_took >= 5s");
  EXPECT_EQ(params_of<check::DeliveryParams>(checks[0]).publish_took->value, 5s);
  EXPECT_EQ(load_errors(k_delivery_head + "  - delivery: {publish_took: 5s}\n"),
            (std::vector<std::string>{"test.yaml:8:30: 'publish_took' must be a comparison with a duration such as "
                                      "'>=1s' or '<500ms', got '5s'"}));
}

TEST(ScenarioCheckTest, delivery_latencies_and_recovery) {
  const auto checks = load_delivery_checks(
      "  - delivery: {latency_p50: 100ms, latency_p95: 500ms, latency_p99: 2s, latency_max: 1m, recovery: 10}\n");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].name,
            "delivery lost <= 0, duplicated <= 0, phantom <= 0, latency_p50 <= 100ms, latency_p95 <= 500ms, "
            "latency_p99 <= 2s, latency_max <= 1m, recovery <= 10s");
  const auto& delivery = params_of<check::DeliveryParams>(checks[0]);
  EXPECT_EQ(delivery.latency_p50, 100ms);
  EXPECT_EQ(delivery.latency_p95, 500ms);
  EXPECT_EQ(delivery.latency_p99, 2s);
  EXPECT_EQ(delivery.latency_max, 1min);
  EXPECT_EQ(delivery.recovery, 10s);
}

TEST(ScenarioCheckTest, delivery_problems_are_all_reported) {
  EXPECT_EQ(load_errors(k_delivery_head + "  - delivery: {lost: many, duplicated: [1], phantom: '<0', load: ''}\n"
                                 "  - delivery: {lost: -1, latency_p99: 2x, recovery: 0s, recovry: 5s}\n"
                                 "  - delivery: {lost: '=< 3', phantom: 1.5}\n"
                                 "  - delivery: true\n"),
            (std::vector<std::string>{
                "test.yaml:8:22: invalid bound 'many' for 'lost' (expected a number or a comparison such as \"<=5\" "
                "or \">0\")",
                "test.yaml:8:40: 'duplicated' must be a number or a comparison such as \"<=5\" or \">0\", got a list",
                "test.yaml:8:54: bound '<0' for 'phantom' can never hold (a count is never negative)",
                "test.yaml:8:66: 'load' must not be empty",
                "test.yaml:9:22: invalid bound '-1' for 'lost' (expected a number or a comparison such as \"<=5\" or "
                "\">0\")",
                "test.yaml:9:39: invalid duration '2x' for 'latency_p99' (expected e.g. 500ms, 10s, 1m30s)",
                "test.yaml:9:53: 'recovery' must be a positive duration, got '0s'",
                "test.yaml:9:57: unknown key 'recovry' in delivery check (did you mean 'recovery'?)",
                "test.yaml:10:22: invalid bound '=< 3' for 'lost' (expected a number or a comparison such as \"<=5\" "
                "or \">0\")",
                "test.yaml:10:39: invalid bound '1.5' for 'phantom' (expected a number or a comparison such as \"<=5\" "
                "or \">0\")",
                "test.yaml:11:15: 'delivery' must be a map of bounds (load, accepted, lost, duplicated, phantom, "
                "latency_p50, latency_p95, latency_p99, latency_max, recovery, publish_took, tick_duplicates, missed_ticks; {} "
      "for the defaults), got 'true'",
            }));
}

TEST(ScenarioCheckTest, generated_delivery_names_are_unique) {
  EXPECT_EQ(load_error(k_delivery_head + "  - delivery: {}\n  - delivery: {lost: 0}\n"),
            "test.yaml:9:5: duplicate check name 'delivery lost <= 0, duplicated <= 0, phantom <= 0' (first used at "
            "line 8)");
  EXPECT_EQ(load_delivery_checks("  - delivery: {}\n  - delivery: {load: load-1}\n").size(), 2u);
}

TEST(ScenarioCheckTest, check_needs_exactly_one_kind) {
  EXPECT_EQ(load_error(k_head + "  - {name: nothing}\n"),
            "test.yaml:6:5: check has no kind (expected one of: log, exec, health, restarts, exit, delivery, queue, "
            "connections, reconnect, monitor, stuck, writes, rollout)");
  EXPECT_EQ(load_error(k_head + "  - {log: {service: broker, contains: a}, exec: b}\n"),
            "test.yaml:6:43: check has more than one kind: 'log', 'exec' (expected exactly one of: log, exec, "
            "health, restarts, exit, delivery, queue, connections, reconnect, monitor, stuck, writes, rollout)");
  EXPECT_EQ(load_error(k_head + "  - {lgo: {service: broker, contains: a}}\n"),
            "test.yaml:6:6: unknown key 'lgo' in check (did you mean 'log'?)");
}

TEST(ScenarioCheckTest, check_must_be_a_map) {
  EXPECT_EQ(load_error(k_head + "  - delivery\n"),
            "test.yaml:6:5: a check must be a map with one kind (log, exec, health, restarts, exit, delivery, queue, "
            "connections, reconnect, monitor, stuck, writes or rollout), got 'delivery'");
  EXPECT_EQ(load_error(k_head + "  log: {}\n"), "test.yaml:6:3: 'checks' must be a list of checks, got a map");
}

}  // namespace
}  // namespace harness::scenario
