// A service's `deploy:` (Compose's deploy keys, for the swarm driver), read through the loader as a user writes it.
#include "harness/scenario/deploy_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/scenario/scenario_test_util.h"

namespace harness::scenario {
namespace {

using namespace std::chrono_literals;
using testing::load_error;
using testing::load_errors;
using testing::load_ok;

// Services on line 3 onwards.
const std::string k_head = "name: t\nservices:\n";

TEST(ScenarioDeployTest, a_stack_files_deploy_block_lands_in_the_model) {
  const Scenario s = load_ok(k_head +
                             "  worker:\n"
                             "    image: celery\n"
                             "    broker_url: x\n"
                             "    deploy:\n"
                             "      replicas: 3\n"
                             "      restart_policy:\n"
                             "        condition: on-failure\n"
                             "        delay: 5s\n"
                             "        max_attempts: 3\n"
                             "        window: 1m30s\n"
                             "      update_config:\n"
                             "        parallelism: 2\n"
                             "        delay: 10s\n"
                             "        failure_action: rollback\n"
                             "        monitor: 30s\n"
                             "        order: start-first\n");
  const Service& worker = s.services.at(0);
  ASSERT_TRUE(worker.deploy);
  const Deploy& deploy = *worker.deploy;
  EXPECT_EQ(deploy.replicas, 3);
  EXPECT_EQ(worker.replicas, 3);  // deploy.replicas is the service's replicas
  EXPECT_EQ(deploy.location.line, 6);
  EXPECT_EQ(deploy.location.column, 5);

  ASSERT_TRUE(deploy.restart_policy);
  EXPECT_EQ(deploy.restart_policy->condition, "on-failure");
  EXPECT_EQ(deploy.restart_policy->delay, Millis{5s});
  EXPECT_EQ(deploy.restart_policy->max_attempts, 3);
  EXPECT_EQ(deploy.restart_policy->window, Millis{90s});
  EXPECT_EQ(deploy.restart_policy->location.line, 8);
  EXPECT_EQ(deploy.restart_policy->location.column, 7);

  ASSERT_TRUE(deploy.update_config);
  EXPECT_EQ(deploy.update_config->parallelism, 2);
  EXPECT_EQ(deploy.update_config->delay, 10s);
  EXPECT_EQ(deploy.update_config->failure_action, "rollback");
  EXPECT_EQ(deploy.update_config->monitor, Millis{30s});
  EXPECT_EQ(deploy.update_config->order, "start-first");
  EXPECT_EQ(deploy.update_config->location.line, 13);
  EXPECT_EQ(deploy.update_config->location.column, 7);

  // The drivers that emulate keep their own policy: `deploy:` leaves `restart` and the rest alone.
  EXPECT_EQ(worker.restart, "no");
  EXPECT_FALSE(worker.restart_on_unhealthy);
}

TEST(ScenarioDeployTest, absent_keys_are_composes_and_swarms_defaults) {
  const Scenario s = load_ok(k_head + "  a: {image: redis}\n  b: {image: redis, deploy: {}}\n"
                                      "  c: {image: redis, deploy: {restart_policy: {}, update_config: {}}}\n");
  EXPECT_FALSE(s.services.at(0).deploy);

  ASSERT_TRUE(s.services.at(1).deploy);
  EXPECT_FALSE(s.services.at(1).deploy->replicas);
  EXPECT_FALSE(s.services.at(1).deploy->restart_policy);
  EXPECT_FALSE(s.services.at(1).deploy->update_config);

  const Deploy& deploy = s.services.at(2).deploy.value();
  const DeployRestartPolicy& policy = deploy.restart_policy.value();
  EXPECT_EQ(policy.condition, "any");
  EXPECT_FALSE(policy.delay);
  EXPECT_FALSE(policy.max_attempts);
  EXPECT_FALSE(policy.window);
  const DeployUpdateConfig& update = deploy.update_config.value();
  EXPECT_EQ(update.order, "stop-first");
  EXPECT_EQ(update.parallelism, 1);
  EXPECT_EQ(update.delay, 0ms);
  EXPECT_EQ(update.failure_action, "pause");
  EXPECT_FALSE(update.monitor);
  EXPECT_EQ(s.services.at(2).replicas, 1);
}

TEST(ScenarioDeployTest, zero_is_a_value_where_swarm_takes_it) {
  const Scenario s = load_ok(k_head + "  a: {image: redis, deploy: {restart_policy: {condition: none, delay: 0s, "
                                      "max_attempts: 0, window: 0}, update_config: {parallelism: 0, delay: 0}}}\n");
  const Deploy& deploy = s.services.at(0).deploy.value();
  EXPECT_EQ(deploy.restart_policy->condition, "none");
  EXPECT_EQ(deploy.restart_policy->delay, 0ms);
  EXPECT_EQ(deploy.restart_policy->max_attempts, 0);
  EXPECT_EQ(deploy.restart_policy->window, 0ms);
  EXPECT_EQ(deploy.update_config->parallelism, 0);  // all at once
  EXPECT_EQ(deploy.update_config->delay, 0ms);
}

TEST(ScenarioDeployTest, unknown_keys_get_a_suggestion) {
  EXPECT_EQ(load_errors(k_head + "  w: {image: celery, broker_url: x, deploy: {replica: 2, foo: 1}}\n"
                                 "  v: {image: celery, broker_url: x, deploy: {restart_policy: {condtion: any}, "
                                 "update_config: {paralelism: 2}}}\n"),
            (std::vector<std::string>{
                "test.yaml:3:46: unknown key 'replica' in deploy of service 'w' (did you mean 'replicas'?)",
                "test.yaml:3:58: unknown key 'foo' in deploy of service 'w' (expected one of: mode, "
                "replicas, restart_policy, update_config)",
                "test.yaml:4:63: unknown key 'condtion' in deploy.restart_policy of service 'v' (did you mean "
                "'condition'?)",
                "test.yaml:4:95: unknown key 'paralelism' in deploy.update_config of service 'v' (did you mean "
                "'parallelism'?)",
            }));
}

TEST(ScenarioDeployTest, composes_keys_the_harness_does_not_take_yet_are_errors_naming_them) {
  EXPECT_EQ(load_errors(k_head + "  w: {image: celery, broker_url: x, deploy: {mode: global, placement: {}, "
                                 "resources: {}, labels: {}}}\n"
                                 "  v: {image: celery, broker_url: x, deploy: {endpoint_mode: vip, rollback_config: "
                                 "{}, update_config: {max_failure_ratio: 0.1}}}\n"),
            (std::vector<std::string>{
                "test.yaml:3:52: invalid value 'global' for 'mode' (expected one of: replicated)",
                "test.yaml:3:60: 'deploy.placement' of service 'w' is not supported by the harness yet (supported: "
                "mode, replicas, restart_policy, update_config)",
                "test.yaml:3:75: 'deploy.resources' of service 'w' is not supported by the harness yet (supported: "
                "mode, replicas, restart_policy, update_config)",
                "test.yaml:3:90: 'deploy.labels' of service 'w' is not supported by the harness yet (supported: "
                "mode, replicas, restart_policy, update_config)",
                "test.yaml:4:46: 'deploy.endpoint_mode' of service 'v' is not supported by the harness yet "
                "(supported: mode, replicas, restart_policy, update_config)",
                "test.yaml:4:66: 'deploy.rollback_config' of service 'v' is not supported by the harness yet "
                "(supported: mode, replicas, restart_policy, update_config)",
                "test.yaml:4:103: 'deploy.update_config.max_failure_ratio' of service 'v' is not supported by the "
                "harness yet (supported: parallelism, delay, failure_action, monitor, order)",
            }));
}

TEST(ScenarioDeployTest, condition_order_and_failure_action_are_swarms_words) {
  EXPECT_EQ(load_errors(k_head + "  w: {image: celery, broker_url: x, deploy: {restart_policy: {condition: always}, "
                                 "update_config: {order: start-last, failure_action: stop}}}\n"),
            (std::vector<std::string>{
                "test.yaml:3:74: invalid value 'always' for 'condition' (expected one of: none, on-failure, any)",
                "test.yaml:3:106: invalid value 'start-last' for 'order' (expected one of: stop-first, start-first)",
                "test.yaml:3:134: invalid value 'stop' for 'failure_action' (expected one of: pause, continue, "
                "rollback)",
            }));
}

TEST(ScenarioDeployTest, counts_are_integers_in_range) {
  EXPECT_EQ(load_errors(k_head + "  w: {image: celery, broker_url: x, deploy: {replicas: 0, restart_policy: "
                                 "{max_attempts: -1}, update_config: {parallelism: -1}}}\n"
                                 "  v: {image: celery, broker_url: x, deploy: {replicas: two}}\n"),
            (std::vector<std::string>{
                "test.yaml:3:56: 'replicas' must be an integer >= 1, got '0'",
                "test.yaml:3:90: 'max_attempts' must be an integer >= 0, got '-1'",
                "test.yaml:3:124: 'parallelism' must be an integer >= 0, got '-1'",
                "test.yaml:4:56: 'replicas' must be an integer >= 1, got 'two'",
            }));
}

TEST(ScenarioDeployTest, durations_are_composes) {
  EXPECT_EQ(load_errors(k_head + "  w: {image: celery, broker_url: x, deploy: {restart_policy: {delay: 5x, window: "
                                 "[1]}, update_config: {delay: -1s, monitor: 0s}}}\n"),
            (std::vector<std::string>{
                "test.yaml:3:70: invalid duration '5x' for 'delay' (expected e.g. 500ms, 10s, 1m30s)",
                "test.yaml:3:82: 'window' must be a duration (e.g. 500ms, 10s, 1m30s), got a list",
                "test.yaml:3:111: invalid duration '-1s' for 'delay' (expected e.g. 500ms, 10s, 1m30s)",
                "test.yaml:3:125: 'monitor' must be a positive duration, got '0s'",
            }));
}

TEST(ScenarioDeployTest, deploy_and_its_policies_are_maps) {
  EXPECT_EQ(load_errors(k_head + "  w: {image: celery, broker_url: x, deploy: 3}\n"
                                 "  v: {image: celery, broker_url: x, deploy: {restart_policy: on-failure, "
                                 "update_config: []}}\n"
                                 "  u: {image: celery, broker_url: x, deploy: }\n"),
            (std::vector<std::string>{
                "test.yaml:3:45: 'deploy' must be a map of Compose deploy keys (replicas, restart_policy or "
                "update_config), got '3'",
                "test.yaml:4:62: 'restart_policy' must be a map with condition, delay, max_attempts or window, got "
                "'on-failure'",
                "test.yaml:4:89: 'update_config' must be a map with parallelism, delay, failure_action, monitor or "
                "order, got a list",
                "test.yaml:5:37: 'deploy' must be a map of Compose deploy keys (replicas, restart_policy or "
                "update_config), got null",
            }));
}

TEST(ScenarioDeployTest, deploy_replicas_sets_the_replicas_of_a_worker_or_a_beat) {
  const Scenario s = load_ok(k_head + "  mq: {image: redis}\n"
                                      "  w: {image: celery, broker: mq, deploy: {replicas: 2}}\n"
                                      "  same: {image: celery, broker: mq, replicas: 4, deploy: {replicas: 4}}\n"
                                      "  beat: {image: celery-beat, broker: mq, schedule: [{name: tick, every: 2s}], "
                                      "deploy: {replicas: 2}}\n");
  EXPECT_EQ(s.find_service("w")->replicas, 2);
  EXPECT_EQ(s.find_service("same")->replicas, 4);
  EXPECT_EQ(s.find_service("beat")->replicas, 2);
  EXPECT_EQ(s.find_service("beat")->deploy->replicas, 2);
}

TEST(ScenarioDeployTest, replicas_and_deploy_replicas_that_differ_are_reported_at_the_later) {
  EXPECT_EQ(load_errors(k_head + "  w: {image: celery, broker_url: x, replicas: 2, deploy: {replicas: 3}}\n"
                                 "  v: {image: celery, broker_url: x, deploy: {replicas: 3}, replicas: 2}\n"),
            (std::vector<std::string>{
                "test.yaml:3:59: 'replicas: 2' and 'deploy.replicas: 3' of service 'w' differ (expected one of "
                "them, or the same number)",
                "test.yaml:4:60: 'replicas: 2' and 'deploy.replicas: 3' of service 'v' differ (expected one of "
                "them, or the same number)",
            }));
  // Another part of `deploy:` that is wrong does not hide the difference.
  EXPECT_EQ(load_errors(k_head + "  w: {image: celery, broker_url: x, replicas: 2, deploy: {replicas: 3, "
                                 "restart_policy: {condition: always}}}\n"),
            (std::vector<std::string>{
                "test.yaml:3:59: 'replicas: 2' and 'deploy.replicas: 3' of service 'w' differ (expected one of "
                "them, or the same number)",
                "test.yaml:3:100: invalid value 'always' for 'condition' (expected one of: none, on-failure, any)",
            }));
  // A bad `replicas:` is reported for itself, not compared.
  EXPECT_EQ(load_error(k_head + "  w: {image: celery, broker_url: x, replicas: 0, deploy: {replicas: 3}}\n"),
            "test.yaml:3:47: 'replicas' must be an integer >= 1, got '0'");
}

TEST(ScenarioDeployTest, deploy_replicas_only_on_a_kind_whose_replicas_are_its_instances) {
  // A redis's `replicas:` are read replicas of its master, not Compose's identical instances.
  EXPECT_EQ(load_error(k_head + "  cache: {image: redis, deploy: {replicas: 2}}\n"),
            "test.yaml:3:34: 'deploy.replicas' applies only to celery-beat and celery-worker services ('cache' is a "
            "redis service; its own 'replicas' means something else)");
  EXPECT_EQ(load_error(k_head + "  mq: {image: redis}\n  w: {image: celery, broker: mq}\n"
                                "  flower: {image: flower, broker: mq, deploy: {replicas: 2}}\n"),
            "test.yaml:5:48: 'deploy.replicas' applies only to celery-beat and celery-worker services ('flower' is a "
            "celery-monitor service)");
  // The rest of `deploy:` applies to every kind.
  EXPECT_EQ(load_ok(k_head + "  cache: {image: redis, deploy: {restart_policy: {condition: any}}}\n")
                .services.at(0)
                .redis_replicas,
            0);
}

TEST(ScenarioDeployTest, read_deploy_reads_one_entry) {
  YamlReader reader("test.yaml");
  const YAML::Node root = YAML::Load("deploy: {replicas: 2, update_config: {order: start-first}}");
  MapView map(reader, root);
  const auto deploy = read_deploy(reader, *map.find("deploy"), "w");
  EXPECT_TRUE(reader.take_diagnostics().empty());
  ASSERT_TRUE(deploy);
  EXPECT_EQ(deploy->replicas, 2);
  EXPECT_FALSE(deploy->restart_policy);
  EXPECT_EQ(deploy->update_config->order, "start-first");
}

}  // namespace
}  // namespace harness::scenario
