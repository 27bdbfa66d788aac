#include "harness/scenario/fault_reader.h"

#include "harness/fault/broker_restart.h"
#include "harness/fault/drop_database.h"
#include "harness/fault/kill.h"
#include "harness/fault/pidbox_reply_expiry.h"
#include "harness/fault/policy.h"
#include "harness/fault/redis_failover.h"
#include "harness/fault/redis_readonly.h"
#include "harness/fault/redis_restart.h"
#include "harness/scenario/fault_syntax.h"

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

const fault::KillParams& kill_of(const FaultStep& f) { return params_of<fault::KillParams>(f); }

FaultStep load_fault(const std::string& step) {
  const auto steps = load_steps(step);
  if (steps.size() != 1 || !params_if<FaultStep>(steps[0])) {
    ADD_FAILURE() << "expected one fault step";
    return {};
  }
  return params_of<FaultStep>(steps[0]);
}

TEST(ScenarioFaultTest, pause_a_service_for_a_while) {
  const auto steps = load_steps("  - at: 8s\n    fault: {pause: {service: worker}}\n    for: 30s\n");
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].at, 8s);
  EXPECT_EQ(steps[0].for_, 30s);
  EXPECT_EQ(steps[0].location.line, 9);
  const auto& fault = params_of<FaultStep>(steps[0]);
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
  EXPECT_EQ(kill_of(fault).signal, 9);
}

TEST(ScenarioFaultTest, kill_signal_by_name_or_number) {
  EXPECT_EQ(kill_of(load_fault("  - fault: {kill: {service: worker.1, signal: TERM}}\n")).signal, SIGTERM);
  EXPECT_EQ(kill_of(load_fault("  - fault: {kill: {service: worker, signal: SIGKILL}}\n")).signal, SIGKILL);
  EXPECT_EQ(kill_of(load_fault("  - fault: {kill: {service: worker, signal: int}}\n")).signal, SIGINT);
  EXPECT_EQ(kill_of(load_fault("  - fault: {kill: {service: worker, signal: STOP}}\n")).signal, SIGSTOP);
  EXPECT_EQ(kill_of(load_fault("  - fault: {kill: {service: worker, signal: 15}}\n")).signal, 15);
  EXPECT_EQ(kill_of(load_fault("  - fault: {kill: {service: worker, signal: 64}}\n")).signal, 64);
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
            "celery-worker and celery-beat services have numbered instances)");
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
                "test.yaml:13:38: unknown key 'signal' in pause fault (expected one of: service, replica)",
            }));
}

TEST(ScenarioFaultTest, pidbox_reply_expiry) {
  const auto steps =
      load_steps("  - at: 8s\n    fault: {pidbox-reply-expiry: {broker: broker, expires: 1ms}}\n    for: 30s\n");
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].for_, 30s);
  const auto& fault = params_of<FaultStep>(steps[0]);
  EXPECT_EQ(fault.kind, "pidbox-reply-expiry");
  EXPECT_EQ(fault.service, "broker");
  EXPECT_EQ(params_of<fault::PidboxReplyExpiryParams>(fault).expires, 1ms);
  EXPECT_EQ(params_of<fault::PidboxReplyExpiryParams>(
                load_fault("  - fault: {pidbox-reply-expiry: {broker: broker, expires: 10}}\n"))
                .expires,
            10s);
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
  const auto& fault = params_of<FaultStep>(steps[0]);
  EXPECT_EQ(fault.kind, "policy");
  EXPECT_EQ(fault.service, "broker");
  EXPECT_EQ(params_of<fault::PolicyParams>(fault).name, "pidbox-replies");
  EXPECT_EQ(params_of<fault::PolicyParams>(fault).pattern, R"(\.reply\.celery\.pidbox$)");
  EXPECT_EQ(params_of<fault::PolicyParams>(fault).definition, nlohmann::json::parse(R"({"expires": 60000, "ha-mode": "all", "x": [1, 2.5]})"));
  EXPECT_TRUE(params_of<fault::PolicyParams>(fault).definition["expires"].is_number_integer());
  EXPECT_EQ(params_of<fault::PolicyParams>(fault).priority, 200);
  EXPECT_EQ(params_of<fault::PolicyParams>(fault).apply_to, "all");
}

TEST(ScenarioFaultTest, policy_defaults) {
  const FaultStep fault =
      load_fault("  - fault: {policy: {broker: broker, name: p, pattern: '^celery$', definition: {max-length: 10}}}\n");
  EXPECT_EQ(params_of<fault::PolicyParams>(fault).priority, 0);
  EXPECT_EQ(params_of<fault::PolicyParams>(fault).apply_to, "queues");
  EXPECT_EQ(params_of<fault::PolicyParams>(fault).definition, nlohmann::json::parse(R"({"max-length": 10})"));
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

// The registered kinds, as the messages list them (by name): a new kind does not change these tests.
const std::string k_supported = join(fault_syntax().names());

TEST(ScenarioFaultTest, later_faults_are_not_supported_yet) {
  EXPECT_EQ(load_errors(k_head + "  - fault: {restart: {service: results}}\n  - fault: {exec: {}}\n"),
            (std::vector<std::string>{
                "test.yaml:9:13: fault 'restart' is not supported yet (supported: " + k_supported + ")",
                "test.yaml:10:13: fault 'exec' is not supported yet (supported: " + k_supported + ")",
            }));
}

TEST(ScenarioFaultTest, unknown_faults_suggest_from_the_whole_catalogue) {
  EXPECT_EQ(load_errors(k_head + "  - fault: {pase: worker}\n  - fault: {disk_alarm: {}}\n  - fault: {crash: worker}\n"
                                 "  - fault: {redis-failovr: {}}\n"),
            (std::vector<std::string>{
                "test.yaml:9:13: unknown fault 'pase' (did you mean 'pause'?)",
                "test.yaml:10:13: unknown fault 'disk_alarm' (did you mean 'disk-alarm'?)",
                "test.yaml:11:13: unknown fault 'crash' (expected one of: " + k_supported + ")",
                "test.yaml:12:13: unknown fault 'redis-failovr' (did you mean 'redis-failover'?)",
            }));
}

TEST(ScenarioFaultTest, fault_needs_exactly_one_kind) {
  EXPECT_EQ(load_error(k_head + "  - fault: {}\n"),
            "test.yaml:9:12: fault has no kind (expected one of: " + k_supported + ")");
  EXPECT_EQ(load_error(k_head + "  - fault: {pause: worker, kill: broker}\n"),
            "test.yaml:9:28: fault has more than one kind: 'pause', 'kill' (expected exactly one of: " + k_supported +
                ")");
  EXPECT_EQ(load_error(k_head + "  - fault: kill\n"),
            "test.yaml:9:12: 'fault' must be a map with one fault (e.g. {kill: {service: worker}}), got 'kill'");
}

}  // namespace
}  // namespace harness::scenario

namespace harness::scenario {
namespace {

TEST(ScenarioFaultTest, kill_target_and_replica) {
  EXPECT_EQ(kill_of(load_fault("  - fault: {kill: worker}\n")).target, "group");
  const FaultStep children = load_fault("  - fault: {kill: {service: worker, replica: 2, target: children}}\n");
  EXPECT_EQ(children.service, "worker.2");
  EXPECT_EQ(kill_of(children).target, "children");
  EXPECT_EQ(kill_of(load_fault("  - fault: {kill: {service: worker.1, target: main, signal: TERM}}\n")).target, "main");
}

TEST(ScenarioFaultTest, kill_target_and_replica_problems) {
  EXPECT_EQ(load_error(k_head + "  - fault: {kill: {service: worker, target: pool}}\n"),
            "test.yaml:9:45: invalid value 'pool' for 'target' (expected one of: group, main, children)");
  EXPECT_EQ(load_error(k_head + "  - fault: {kill: {service: worker, replica: 3}}\n"),
            "test.yaml:9:46: kill fault refers to instance 'worker.3', but service 'worker' has 2 replicas "
            "(expected worker.1 to worker.2)");
  EXPECT_EQ(load_error(k_head + "  - fault: {kill: {service: worker.1, replica: 1}}\n"),
            "test.yaml:9:39: kill fault has 'replica' and an instance in 'service' 'worker.1' (expected one of the "
            "two)");
  EXPECT_EQ(load_error(k_head + "  - fault: {kill: {service: broker, replica: 1}}\n"),
            "test.yaml:9:46: kill fault refers to instance 'broker.1', but 'broker' is a rabbitmq service (only "
            "celery-worker and celery-beat services have numbered instances)");
  EXPECT_EQ(load_error(k_head + "  - fault: {pause: {service: worker, replica: 3}}\n"),
            "test.yaml:9:47: pause fault refers to instance 'worker.3', but service 'worker' has 2 replicas "
            "(expected worker.1 to worker.2)");
  EXPECT_EQ(load_error(k_head + "  - fault: {pause: {service: worker, replica: sometimes}}\n"),
            "test.yaml:9:47: 'replica' must be an integer >= 1, got 'sometimes'");
}

TEST(ScenarioFaultTest, a_random_replica_is_left_to_the_run_for_kill_and_pause) {
  const FaultStep kill = load_fault("  - fault: {kill: {service: worker, replica: random}}\n");
  EXPECT_EQ(kill.service, "worker");
  EXPECT_TRUE(kill.random_replica);
  const FaultStep pause = load_fault("  - fault: {pause: {service: worker, replica: random}}\n");
  EXPECT_EQ(pause.service, "worker");
  EXPECT_TRUE(pause.random_replica);
  const FaultStep second = load_fault("  - fault: {pause: {service: worker, replica: 2}}\n");
  EXPECT_EQ(second.service, "worker.2");
  EXPECT_FALSE(second.random_replica);
  EXPECT_FALSE(load_fault("  - fault: {kill: worker}\n").random_replica);
}

TEST(ScenarioFaultTest, a_random_replica_of_one_instance_is_an_error) {
  EXPECT_EQ(load_error(k_head + "  - fault: {pause: {service: worker.1, replica: random}}\n"),
            "test.yaml:9:40: pause fault has 'replica' and an instance in 'service' 'worker.1' (expected one of "
            "the two)");
}

}  // namespace
}  // namespace harness::scenario

// Broker and datastore faults (issue 5).
namespace harness::scenario {
namespace {

// Steps start on line 11.
const std::string k_data_head =
    "name: t\nservices:\n  broker: {image: rabbitmq}\n  cache: {image: redis}\n  other: {image: redis}\n"
    "  ledger: {image: redis, role: ledger}\n  db: {image: postgres, database: results}\n"
    "  worker: {image: celery, broker: broker, backend: cache}\n"
    "steps:\n  - wait: {ready: all}\n";

FaultStep load_data_fault(const std::string& step) {
  const auto steps = testing::load_ok(k_data_head + step).steps;
  if (steps.size() != 2 || !params_if<FaultStep>(steps[1])) {
    ADD_FAILURE() << "expected one fault step after the wait";
    return {};
  }
  return params_of<FaultStep>(steps[1]);
}

TEST(ScenarioFaultTest, broker_alarms_and_close_connections_name_the_broker) {
  for (const std::string kind : {"disk-alarm", "memory-alarm", "close-connections"}) {
    const FaultStep fault = load_data_fault("  - fault: {" + kind + ": {broker: broker}}\n");
    EXPECT_EQ(fault.kind, kind);
    EXPECT_EQ(fault.service, "broker");
  }
  const auto steps = testing::load_ok(k_data_head + "  - fault: {disk-alarm: {broker: broker}}\n    for: 20s\n").steps;
  EXPECT_EQ(steps[1].for_, std::chrono::seconds{20});
}

TEST(ScenarioFaultTest, broker_restart_is_graceful_unless_told_to_kill) {
  EXPECT_EQ(params_of<fault::BrokerRestartParams>(load_data_fault("  - fault: {broker-restart: {broker: broker}}\n")).mode,
            "graceful");
  const FaultStep kill = load_data_fault("  - fault: {broker-restart: {broker: broker, mode: kill}}\n");
  EXPECT_EQ(kill.kind, "broker-restart");
  EXPECT_EQ(kill.service, "broker");
  EXPECT_EQ(params_of<fault::BrokerRestartParams>(kill).mode, "kill");
}

TEST(ScenarioFaultTest, restarts_stay_down_for_down_or_come_back_at_once) {
  EXPECT_EQ(params_of<fault::BrokerRestartParams>(load_data_fault("  - fault: {broker-restart: {broker: broker}}\n")).down,
            std::chrono::milliseconds{0});
  EXPECT_EQ(params_of<fault::BrokerRestartParams>(
                load_data_fault("  - fault: {broker-restart: {broker: broker, mode: kill, down: 10s}}\n"))
                .down,
            std::chrono::seconds{10});
  const FaultStep redis = load_data_fault("  - fault: {redis-restart: {service: cache, down: 2s}}\n");
  EXPECT_EQ(redis.service, "cache");
  EXPECT_EQ(params_of<fault::RedisRestartParams>(redis).down, std::chrono::seconds{2});
  EXPECT_EQ(params_of<fault::RedisRestartParams>(load_data_fault("  - fault: {redis-restart: {service: cache}}\n")).down,
            std::chrono::milliseconds{0});
  EXPECT_EQ(load_errors(k_data_head + "  - fault: {redis-restart: {service: cache, down: 2x}}\n"
                                      "  - fault: {redis-restart: {service: db}}\n"
                                      "  - fault: {broker-restart: {broker: broker, down: -1s}}\n"
                                      "  - fault: {redis-restart: {service: cache, for: 2s}}\n"
                                      "  - fault: {redis-restart: cache}\n"
                                      "  - fault: {redis-restart: {service: db, down: 2x}}\n"),
            (std::vector<std::string>{
                "test.yaml:11:51: invalid duration '2x' for 'down' (expected e.g. 500ms, 10s, 1m30s)",
                "test.yaml:12:38: service 'db' of redis-restart fault is a postgres service (expected redis)",
                "test.yaml:13:52: invalid duration '-1s' for 'down' (expected e.g. 500ms, 10s, 1m30s)",
                "test.yaml:14:45: unknown key 'for' in redis-restart fault (expected one of: service, down)",
                "test.yaml:15:28: 'redis-restart' must be a map with 'service' and optionally 'down', got 'cache'",
                "test.yaml:16:38: service 'db' of redis-restart fault is a postgres service (expected redis)",
                "test.yaml:16:48: invalid duration '2x' for 'down' (expected e.g. 500ms, 10s, 1m30s)",
            }));
}

TEST(ScenarioFaultTest, broker_fault_problems) {
  EXPECT_EQ(load_errors(k_data_head + "  - fault: {disk-alarm: {broker: cache}}\n"
                                      "  - fault: {memory-alarm: {brokr: broker}}\n"
                                      "  - fault: {close-connections: broker}\n"
                                      "  - fault: {broker-restart: {broker: broker, mode: hard}}\n"
                                      "  - fault: {broker-restart: {broker: rabbit}}\n"),
            (std::vector<std::string>{
                "test.yaml:11:34: broker 'cache' of disk-alarm fault is a redis service (expected rabbitmq)",
                "test.yaml:12:27: missing required key 'broker' in memory-alarm fault",
                "test.yaml:12:28: unknown key 'brokr' in memory-alarm fault (did you mean 'broker'?)",
                "test.yaml:13:32: 'close-connections' must be a map with 'broker', got 'broker'",
                "test.yaml:14:52: invalid value 'hard' for 'mode' (expected one of: graceful, kill)",
                "test.yaml:15:38: broker-restart fault refers to undefined broker 'rabbit' (defined services: broker, "
                "cache, other, ledger, db, worker)",
            }));
}

TEST(ScenarioFaultTest, faults_without_an_inverse_take_no_for) {
  EXPECT_EQ(load_errors(k_data_head + "  - fault: {close-connections: {broker: broker}}\n    for: 5s\n"
                                      "  - fault: {broker-restart: {broker: broker}}\n    for: 5s\n"
                                      "  - fault: {redis-restart: {service: cache}}\n    for: 5s\n"),
            (std::vector<std::string>{
                "test.yaml:12:5: 'for' does not apply to fault 'close-connections' (it has no inverse: clients "
                "reconnect by themselves)",
                "test.yaml:14:5: 'for' does not apply to fault 'broker-restart' (it has no inverse: the service is "
                "back when the step ends; `down:` sets how long it stays down)",
                "test.yaml:16:5: 'for' does not apply to fault 'redis-restart' (it has no inverse: the service is "
                "back when the step ends; `down:` sets how long it stays down)",
            }));
}

TEST(ScenarioFaultTest, redis_faults) {
  const FaultStep readonly = load_data_fault("  - fault: {redis-readonly: {service: cache, of: other}}\n");
  EXPECT_EQ(readonly.kind, "redis-readonly");
  EXPECT_EQ(readonly.service, "cache");
  EXPECT_EQ(params_of<fault::RedisReadonlyParams>(readonly).of, "other");
  const FaultStep restart = load_data_fault("  - fault: {redis-restart: {service: other}}\n");
  EXPECT_EQ(restart.kind, "redis-restart");
  EXPECT_EQ(restart.service, "other");
}

TEST(ScenarioFaultTest, redis_fault_problems) {
  EXPECT_EQ(load_errors(k_data_head + "  - fault: {redis-readonly: {service: cache}}\n"
                                      "  - fault: {redis-readonly: {service: cache, of: cache}}\n"
                                      "  - fault: {redis-readonly: {service: cache, of: broker}}\n"
                                      "  - fault: {redis-readonly: {service: cache, of: ledger}}\n"
                                      "  - fault: {redis-readonly: {service: ledger, of: other}}\n"
                                      "  - fault: {redis-restart: {service: db}}\n"
                                      "  - fault: {redis-restart: {service: cahce, of: other}}\n"),
            (std::vector<std::string>{
                "test.yaml:11:29: missing required key 'of' in redis-readonly fault",
                "test.yaml:12:50: 'of' of redis-readonly fault must be another redis service, got 'cache' (the "
                "service itself)",
                "test.yaml:13:50: 'of' of redis-readonly fault must be another redis service, got 'broker' (a "
                "rabbitmq service)",
                "test.yaml:14:50: 'of' of redis-readonly fault must be another redis service, got 'ledger' (the "
                "harness's own record, role 'ledger', is never faulted)",
                "test.yaml:15:39: redis-readonly fault targets service 'ledger', which has role 'ledger' (the "
                "harness's own record is never faulted)",
                "test.yaml:16:38: service 'db' of redis-restart fault is a postgres service (expected redis)",
                "test.yaml:17:38: redis-restart fault refers to undefined service 'cahce' (did you mean 'cache'?)",
                "test.yaml:17:45: unknown key 'of' in redis-restart fault (expected one of: service, down)",
            }));
}

TEST(ScenarioFaultTest, postgres_faults) {
  const FaultStep down = load_data_fault("  - fault: {postgres-down: {service: db}}\n");
  EXPECT_EQ(down.kind, "postgres-down");
  EXPECT_EQ(down.service, "db");
  // drop-database defaults to the service's own database.
  EXPECT_EQ(params_of<fault::DropDatabaseParams>(load_data_fault("  - fault: {drop-database: {service: db}}\n")).database,
            "results");
  EXPECT_EQ(params_of<fault::DropDatabaseParams>(
                load_data_fault("  - fault: {drop-database: {service: db, database: other}}\n"))
                .database,
            "other");
}

TEST(ScenarioFaultTest, postgres_fault_problems) {
  EXPECT_EQ(load_errors(k_data_head + "  - fault: {postgres-down: {service: cache}}\n"
                                      "  - fault: {postgres-down: db}\n"
                                      "  - fault: {drop-database: {database: x}}\n"
                                      "  - fault: {drop-database: {service: db, database: '', table: t}}\n"),
            (std::vector<std::string>{
                "test.yaml:11:38: service 'cache' of postgres-down fault is a redis service (expected postgres)",
                "test.yaml:12:28: 'postgres-down' must be a map with 'service', got 'db'",
                "test.yaml:13:28: missing required key 'service' in drop-database fault",
                "test.yaml:14:52: 'database' must not be empty",
                "test.yaml:14:56: unknown key 'table' in drop-database fault (expected one of: service, database)",
            }));
}


// A Sentinel group: the master `cache` with one replica and three sentinels; steps on line 9.
const std::string k_sentinel_head =
    "name: t\ntimeout: 5m\nservices:\n  broker: {image: rabbitmq}\n  results: {image: redis}\n"
    "  cache: {image: redis, replicas: 1, sentinels: 3}\n  worker: {image: celery, broker: broker}\n"
    "steps:\n";

TEST(ScenarioFaultTest, redis_failover_defaults_to_sentinel_mode) {
  const auto steps = load_ok(k_sentinel_head + "  - fault: {redis-failover: {service: cache}}\n"
                                               "  - fault: {redis-failover: {service: cache, mode: kill}}\n")
                         .steps;
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(params_of<FaultStep>(steps[0]).kind, "redis-failover");
  EXPECT_EQ(params_of<FaultStep>(steps[0]).service, "cache");
  EXPECT_EQ(params_of<fault::RedisFailoverParams>(params_of<FaultStep>(steps[0])).mode, "sentinel");
  EXPECT_EQ(params_of<fault::RedisFailoverParams>(params_of<FaultStep>(steps[1])).mode, "kill");
}

TEST(ScenarioFaultTest, redis_failover_needs_sentinels_a_mode_and_no_for) {
  EXPECT_EQ(load_errors(k_sentinel_head + "  - fault: {redis-failover: {service: results}}\n"
                                          "  - fault: {redis-failover: {service: cache, mode: graceful}}\n"
                                          "  - fault: {redis-failover: {service: broker}}\n"
                                          "  - fault: {redis-failover: {service: cache}}\n    for: 5s\n"),
            (std::vector<std::string>{
                "test.yaml:9:39: redis-failover fault needs service 'results' to have sentinels (e.g. replicas: 1, "
                "sentinels: 3)",
                "test.yaml:10:52: invalid value 'graceful' for 'mode' (expected one of: sentinel, kill)",
                "test.yaml:11:39: service 'broker' of redis-failover fault is a rabbitmq service (expected redis)",
                "test.yaml:13:5: 'for' does not apply to fault 'redis-failover' (it has no inverse: a failover is not "
                "undone)",
            }));
}

}  // namespace
}  // namespace harness::scenario

namespace harness::scenario {
namespace {

TEST(ScenarioFaultTest, redis_flush_names_a_redis_service_and_has_no_inverse) {
  const FaultStep flush = load_data_fault("  - fault: {redis-flush: {service: cache}}\n");
  EXPECT_EQ(flush.kind, "redis-flush");
  EXPECT_EQ(flush.service, "cache");
  EXPECT_EQ(testing::load_errors(k_data_head + "  - fault: {redis-flush: {service: ledger}}\n"
                                               "  - fault: {redis-flush: {service: db}}\n"
                                               "  - fault: {redis-flush: {service: cache}}\n    for: 5s\n"),
            (std::vector<std::string>{
                "test.yaml:11:36: redis-flush fault targets service 'ledger', which has role 'ledger' (the "
                "harness's own record is never faulted)",
                "test.yaml:12:36: service 'db' of redis-flush fault is a postgres service (expected redis)",
                "test.yaml:14:5: 'for' does not apply to fault 'redis-flush' (it has no inverse: the data is not "
                "brought back)",
            }));
}

}  // namespace
}  // namespace harness::scenario
