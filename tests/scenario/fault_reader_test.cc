#include "harness/scenario/fault_reader.h"

#include <signal.h>

#include <gtest/gtest.h>

#include "tests/scenario/scenario_test_util.h"

namespace harness::scenario {
namespace {

using namespace std::chrono_literals;
using testing::load_error;
using testing::load_errors;
using testing::load_ok;

// Steps start on line 9.
const std::string k_head =
    "name: t\ntimeout: 5m\nservices:\n  broker: {image: rabbitmq}\n  results: {image: redis}\n"
    "  ledger: {image: redis, role: ledger}\n  worker: {image: celery, broker: broker, backend: results, replicas: 2}\n"
    "steps:\n";

std::vector<Step> load_steps(const std::string& steps) { return load_ok(k_head + steps).steps; }

FaultStep load_fault(const std::string& step) {
  const auto steps = load_steps(step);
  if (steps.size() != 1 || !std::holds_alternative<FaultStep>(steps[0].body)) {
    ADD_FAILURE() << "expected one fault step";
    return {};
  }
  return std::get<FaultStep>(steps[0].body);
}

TEST(ScenarioFaultTest, pause_a_service_for_a_while) {
  const auto steps = load_steps("  - at: 8s\n    fault: {pause: {service: worker}}\n    for: 30s\n");
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].at, 8s);
  EXPECT_EQ(steps[0].for_, 30s);
  EXPECT_EQ(steps[0].location.line, 9);
  const auto& fault = std::get<FaultStep>(steps[0].body);
  EXPECT_EQ(fault.kind, "pause");
  EXPECT_EQ(fault.service, "worker");
}

TEST(ScenarioFaultTest, pause_shorthand_and_instances) {
  EXPECT_EQ(load_fault("  - fault: {pause: broker}\n").service, "broker");
  EXPECT_EQ(load_fault("  - fault: {pause: worker.1}\n").service, "worker.1");
  EXPECT_EQ(load_fault("  - fault: {pause: {service: worker.2}}\n").service, "worker.2");
}

TEST(ScenarioFaultTest, kill_defaults_to_sigkill) {
  const FaultStep fault = load_fault("  - fault: {kill: worker}\n");
  EXPECT_EQ(fault.kind, "kill");
  EXPECT_EQ(fault.service, "worker");
  EXPECT_EQ(fault.signal, 9);
}

TEST(ScenarioFaultTest, kill_signal_by_name_or_number) {
  EXPECT_EQ(load_fault("  - fault: {kill: {service: worker.1, signal: TERM}}\n").signal, SIGTERM);
  EXPECT_EQ(load_fault("  - fault: {kill: {service: worker, signal: SIGKILL}}\n").signal, SIGKILL);
  EXPECT_EQ(load_fault("  - fault: {kill: {service: worker, signal: int}}\n").signal, SIGINT);
  EXPECT_EQ(load_fault("  - fault: {kill: {service: worker, signal: STOP}}\n").signal, SIGSTOP);
  EXPECT_EQ(load_fault("  - fault: {kill: {service: worker, signal: 15}}\n").signal, 15);
  EXPECT_EQ(load_fault("  - fault: {kill: {service: worker, signal: 64}}\n").signal, 64);
}

TEST(ScenarioFaultTest, parse_signal) {
  EXPECT_EQ(parse_signal("KILL"), SIGKILL);
  EXPECT_EQ(parse_signal("sigterm"), SIGTERM);
  EXPECT_EQ(parse_signal("HUP"), SIGHUP);
  EXPECT_EQ(parse_signal("USR1"), SIGUSR1);
  EXPECT_EQ(parse_signal("1"), 1);
  EXPECT_EQ(parse_signal("0"), std::nullopt);
  EXPECT_EQ(parse_signal("65"), std::nullopt);
  EXPECT_EQ(parse_signal("009"), std::nullopt);
  EXPECT_EQ(parse_signal("SIG"), std::nullopt);
  EXPECT_EQ(parse_signal(""), std::nullopt);
}

TEST(ScenarioFaultTest, kill_signal_must_be_known) {
  EXPECT_EQ(load_errors(k_head + "  - fault: {kill: {service: worker, signal: KIL}}\n"
                                 "  - fault: {kill: {service: worker, signal: BOOM}}\n"
                                 "  - fault: {kill: {service: worker, signal: 65}}\n"
                                 "  - fault: {kill: {service: worker, signal: -9}}\n"
                                 "  - fault: {kill: {service: worker, signal: [9]}}\n"),
            (std::vector<std::string>{
                "test.yaml:9:45: unknown signal 'KIL' (did you mean 'KILL'?)",
                "test.yaml:10:45: unknown signal 'BOOM' (expected a name such as KILL, TERM, INT or STOP, or a "
                "number from 1 to 64)",
                "test.yaml:11:45: 'signal' must be a signal name (e.g. KILL, TERM) or a number from 1 to 64, got '65'",
                "test.yaml:12:45: 'signal' must be a signal name (e.g. KILL, TERM) or a number from 1 to 64, got '-9'",
                "test.yaml:13:45: 'signal' must be a signal name (e.g. KILL, TERM) or a number from 1 to 64, got a "
                "list",
            }));
}

TEST(ScenarioFaultTest, kill_has_no_inverse) {
  EXPECT_EQ(load_error(k_head + "  - fault: {kill: worker}\n    for: 10s\n"),
            "test.yaml:10:5: 'for' does not apply to fault 'kill' (it has no inverse)");
}

TEST(ScenarioFaultTest, target_must_be_a_service) {
  EXPECT_EQ(load_errors(k_head + "  - fault: {pause: wrker}\n  - fault: {kill: {service: nobody}}\n"),
            (std::vector<std::string>{
                "test.yaml:9:20: pause fault refers to undefined service 'wrker' (did you mean 'worker'?)",
                "test.yaml:10:29: kill fault refers to undefined service 'nobody' (defined services: broker, "
                "results, ledger, worker)",
            }));
}

TEST(ScenarioFaultTest, instance_must_exist) {
  EXPECT_EQ(load_errors(k_head + "  - fault: {pause: worker.3}\n  - fault: {kill: worker.0}\n"
                                 "  - fault: {kill: worker.01}\n  - fault: {pause: worker.x}\n"),
            (std::vector<std::string>{
                "test.yaml:9:20: pause fault refers to instance 'worker.3', but service 'worker' has 2 replicas "
                "(expected worker.1 to worker.2)",
                "test.yaml:10:19: kill fault refers to instance 'worker.0', but service 'worker' has 2 replicas "
                "(expected worker.1 to worker.2)",
                "test.yaml:11:19: kill fault refers to instance 'worker.01', but service 'worker' has 2 replicas "
                "(expected worker.1 to worker.2)",
                "test.yaml:12:20: pause fault refers to instance 'worker.x', but service 'worker' has 2 replicas "
                "(expected worker.1 to worker.2)",
            }));
  EXPECT_EQ(load_error("name: t\nservices:\n  mq: {image: rabbitmq}\n  w: {image: celery, broker: mq}\n"
                       "steps:\n  - fault: {kill: w.2}\n"),
            "test.yaml:6:19: kill fault refers to instance 'w.2', but service 'w' has 1 replica (expected w.1)");
}

TEST(ScenarioFaultTest, only_workers_have_numbered_instances) {
  EXPECT_EQ(load_error(k_head + "  - fault: {pause: broker.1}\n"),
            "test.yaml:9:20: pause fault refers to instance 'broker.1', but 'broker' is a rabbitmq service (only "
            "celery-worker services have numbered instances)");
}

TEST(ScenarioFaultTest, the_ledger_is_never_faulted) {
  EXPECT_EQ(load_error(k_head + "  - fault: {kill: ledger}\n"),
            "test.yaml:9:19: kill fault targets service 'ledger', which has role 'ledger' (the harness's own record "
            "is never faulted)");
}

TEST(ScenarioFaultTest, pause_and_kill_shapes) {
  EXPECT_EQ(load_errors(k_head + "  - fault: {pause: [worker]}\n  - fault: {kill: }\n  - fault: {pause: ''}\n"
                                 "  - fault: {kill: {signal: TERM, sevice: worker}}\n"
                                 "  - fault: {pause: {service: worker, signal: TERM}}\n"),
            (std::vector<std::string>{
                "test.yaml:9:20: 'pause' must be a service name or a map with 'service', got a list",
                "test.yaml:10:13: 'kill' must be a service name or a map with 'service' and 'signal', got null",
                "test.yaml:11:20: 'pause' must not be empty",
                "test.yaml:12:19: missing required key 'service' in kill fault",
                "test.yaml:12:34: unknown key 'sevice' in kill fault (did you mean 'service'?)",
                "test.yaml:13:38: unknown key 'signal' in pause fault (expected one of: service)",
            }));
}

TEST(ScenarioFaultTest, pidbox_reply_expiry) {
  const auto steps =
      load_steps("  - at: 8s\n    fault: {pidbox-reply-expiry: {broker: broker, expires: 1ms}}\n    for: 30s\n");
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].for_, 30s);
  const auto& fault = std::get<FaultStep>(steps[0].body);
  EXPECT_EQ(fault.kind, "pidbox-reply-expiry");
  EXPECT_EQ(fault.service, "broker");
  EXPECT_EQ(fault.expires, 1ms);
  EXPECT_EQ(load_fault("  - fault: {pidbox-reply-expiry: {broker: broker, expires: 10}}\n").expires, 10s);
}

TEST(ScenarioFaultTest, pidbox_reply_expiry_problems) {
  EXPECT_EQ(load_errors(k_head + "  - fault: {pidbox-reply-expiry: {broker: results, expires: 0s}}\n"
                                 "  - fault: {pidbox-reply-expiry: {}}\n"
                                 "  - fault: {pidbox-reply-expiry: {broker: brokr, expires: 1us, ttl: 1}}\n"
                                 "  - fault: {pidbox-reply-expiry: broker}\n"),
            (std::vector<std::string>{
                "test.yaml:9:43: broker 'results' of pidbox-reply-expiry fault is a redis service (expected "
                "rabbitmq)",
                "test.yaml:9:61: 'expires' must be a positive duration, got '0s'",
                "test.yaml:10:34: missing required key 'broker' in pidbox-reply-expiry fault",
                "test.yaml:10:34: missing required key 'expires' in pidbox-reply-expiry fault",
                "test.yaml:11:43: pidbox-reply-expiry fault refers to undefined broker 'brokr' (did you mean "
                "'broker'?)",
                "test.yaml:11:59: invalid duration '1us' for 'expires' (expected e.g. 500ms, 10s, 1m30s)",
                "test.yaml:11:64: unknown key 'ttl' in pidbox-reply-expiry fault (expected one of: broker, expires)",
                "test.yaml:12:34: 'pidbox-reply-expiry' must be a map with 'broker' and 'expires', got 'broker'",
            }));
}

TEST(ScenarioFaultTest, policy) {
  const auto steps = load_steps(R"(  - name: fix
    fault:
      policy:
        broker: broker
        name: pidbox-replies
        pattern: '\.reply\.celery\.pidbox$'
        definition: {expires: 60000, ha-mode: all, x: [1, 2.5]}
        priority: 200
        apply_to: all
    for: 1m
)");
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].name, "fix");
  EXPECT_EQ(steps[0].for_, 1min);
  const auto& fault = std::get<FaultStep>(steps[0].body);
  EXPECT_EQ(fault.kind, "policy");
  EXPECT_EQ(fault.service, "broker");
  EXPECT_EQ(fault.policy_name, "pidbox-replies");
  EXPECT_EQ(fault.pattern, R"(\.reply\.celery\.pidbox$)");
  EXPECT_EQ(fault.definition, nlohmann::json::parse(R"({"expires": 60000, "ha-mode": "all", "x": [1, 2.5]})"));
  EXPECT_TRUE(fault.definition["expires"].is_number_integer());
  EXPECT_EQ(fault.priority, 200);
  EXPECT_EQ(fault.apply_to, "all");
}

TEST(ScenarioFaultTest, policy_defaults) {
  const FaultStep fault =
      load_fault("  - fault: {policy: {broker: broker, name: p, pattern: '^celery$', definition: {max-length: 10}}}\n");
  EXPECT_EQ(fault.priority, 0);
  EXPECT_EQ(fault.apply_to, "queues");
  EXPECT_EQ(fault.definition, nlohmann::json::parse(R"({"max-length": 10})"));
}

TEST(ScenarioFaultTest, policy_problems) {
  EXPECT_EQ(load_errors(k_head + "  - fault: {policy: {broker: broker}}\n"
                                 "  - fault: {policy: {broker: worker, name: '', pattern: '', definition: {}}}\n"
                                 "  - fault: {policy: {broker: broker, name: p, pattern: x, definition: [a], "
                                 "priority: -1, apply_to: streams}}\n"
                                 "  - fault: {policy: []}\n"),
            (std::vector<std::string>{
                "test.yaml:9:21: missing required key 'name' in policy fault",
                "test.yaml:9:21: missing required key 'pattern' in policy fault",
                "test.yaml:9:21: missing required key 'definition' in policy fault",
                "test.yaml:10:30: broker 'worker' of policy fault is a celery-worker service (expected rabbitmq)",
                "test.yaml:10:44: 'name' must not be empty",
                "test.yaml:10:57: 'pattern' must not be empty",
                "test.yaml:10:73: 'definition' must not be empty (expected policy keys, e.g. {max-length: 1000})",
                "test.yaml:11:71: 'definition' must be a map of policy keys (e.g. {max-length: 1000}), got a list",
                "test.yaml:11:86: 'priority' must be an integer >= 0, got '-1'",
                "test.yaml:11:100: invalid value 'streams' for 'apply_to' (expected one of: queues, exchanges, all)",
                "test.yaml:12:21: 'policy' must be a map with 'broker', 'name', 'pattern' and 'definition', got a "
                "list",
            }));
}

TEST(ScenarioFaultTest, later_faults_are_not_supported_yet) {
  EXPECT_EQ(load_errors(k_head + "  - fault: {disk-alarm: {broker: broker}}\n  - fault: {latency: {}}\n"),
            (std::vector<std::string>{
                "test.yaml:9:13: fault 'disk-alarm' is not supported yet (supported: pause, kill, "
                "pidbox-reply-expiry, policy)",
                "test.yaml:10:13: fault 'latency' is not supported yet (supported: pause, kill, pidbox-reply-expiry, "
                "policy)",
            }));
}

TEST(ScenarioFaultTest, unknown_faults_suggest_from_the_whole_catalogue) {
  EXPECT_EQ(load_errors(k_head + "  - fault: {pase: worker}\n  - fault: {disk_alarm: {}}\n  - fault: {crash: worker}\n"),
            (std::vector<std::string>{
                "test.yaml:9:13: unknown fault 'pase' (did you mean 'pause'?)",
                "test.yaml:10:13: unknown fault 'disk_alarm' (did you mean 'disk-alarm'?)",
                "test.yaml:11:13: unknown fault 'crash' (expected one of: pause, kill, pidbox-reply-expiry, policy)",
            }));
}

TEST(ScenarioFaultTest, fault_needs_exactly_one_kind) {
  EXPECT_EQ(load_error(k_head + "  - fault: {}\n"),
            "test.yaml:9:12: fault has no kind (expected one of: pause, kill, pidbox-reply-expiry, policy)");
  EXPECT_EQ(load_error(k_head + "  - fault: {pause: worker, kill: broker}\n"),
            "test.yaml:9:28: fault has more than one kind: 'pause', 'kill' (expected exactly one of: pause, kill, "
            "pidbox-reply-expiry, policy)");
  EXPECT_EQ(load_error(k_head + "  - fault: kill\n"),
            "test.yaml:9:12: 'fault' must be a map with one fault (e.g. {kill: {service: worker}}), got 'kill'");
}

}  // namespace
}  // namespace harness::scenario
