// The `load` step, `wait: {drained}` and the ledger a load brings (step_reader.cc, loader.cc).
#include <gtest/gtest.h>

#include "harness/scenario/step_reader.h"
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
    "  worker: {image: celery-worker, broker: broker}\nsteps:\n";

LoadStep load_step(const std::string& step) {
  const auto scenario = load_ok(k_head + step);
  if (scenario.steps.empty() || !params_if<LoadStep>(scenario.steps[0])) {
    ADD_FAILURE() << "expected a load step";
    return {};
  }
  return params_of<LoadStep>(scenario.steps[0]);
}

TEST(ScenarioLoadTest, a_load_with_every_key) {
  const LoadStep load = load_step(
      "  - load:\n      task: probe.add\n      count: 300\n      duration: 1m\n      rate: 50/s\n"
      "      args: [2, 3]\n      kwargs: {seconds: 0.5, tag: '{{run.id}}'}\n      queue: q\n      service: worker\n"
      "      publish: {confirm_publish: true, retry: false, timeout: 2s, delivery_mode: 1,\n"
      "                retry_policy: {max_retries: 3, interval_start: 0, interval_step: 200ms, interval_max: 1s}}\n");
  EXPECT_EQ(load.name, "load-1");
  EXPECT_EQ(load.task, "probe.add");
  EXPECT_EQ(load.count, 300);
  EXPECT_EQ(load.duration, 1min);
  EXPECT_DOUBLE_EQ(load.rate, 50.0);
  EXPECT_EQ(load.args, nlohmann::json::parse("[2, 3]"));
  EXPECT_EQ(load.kwargs, nlohmann::json::parse(R"({"seconds": 0.5, "tag": "{{run.id}}"})"));
  EXPECT_EQ(load.queue, "q");
  EXPECT_EQ(load.service, "worker");
  EXPECT_EQ(load.publish.confirm_publish, true);
  EXPECT_EQ(load.publish.retry, false);
  EXPECT_EQ(load.publish.timeout, 2s);
  EXPECT_EQ(load.publish.delivery_mode, 1);
  EXPECT_EQ(load.publish.retry_policy,
            nlohmann::json::parse(R"({"max_retries":3,"interval_start":0.0,"interval_step":0.2,"interval_max":1.0})"));
}

TEST(ScenarioLoadTest, defaults_and_names) {
  const auto scenario = load_ok(k_head + "  - load: {count: 10}\n  - name: burst\n    load: {duration: 5s, rate: 600/m}\n"
                                          "  - load: {count: 1, args: [7]}\n");
  ASSERT_EQ(scenario.steps.size(), 3u);
  const auto& first = params_of<LoadStep>(scenario.steps[0]);
  EXPECT_EQ(first.name, "load-1");
  EXPECT_EQ(first.task, "probe.record");
  EXPECT_EQ(first.service, "worker");  // the first celery-worker service
  EXPECT_DOUBLE_EQ(first.rate, 0.0);
  EXPECT_FALSE(first.publish.confirm_publish.has_value());
  const auto& second = params_of<LoadStep>(scenario.steps[1]);
  EXPECT_EQ(second.name, "burst");
  EXPECT_DOUBLE_EQ(second.rate, 10.0);
  EXPECT_EQ(params_of<LoadStep>(scenario.steps[2]).name, "load-3");
  EXPECT_EQ(params_of<LoadStep>(scenario.steps[2]).args, nlohmann::json::parse("[7]"));
}

TEST(ScenarioLoadTest, a_load_brings_the_ledger) {
  const auto scenario = load_ok(k_head + "  - load: {count: 10}\n");
  const Service* ledger = scenario.find_service("ledger");
  ASSERT_NE(ledger, nullptr);
  EXPECT_EQ(ledger->kind, ServiceKind::k_redis);
  EXPECT_EQ(ledger->role, "ledger");
  // Without a load there is none.
  EXPECT_EQ(load_ok(k_head + "  - wait: 1s\n").find_service("ledger"), nullptr);
}

TEST(ScenarioLoadTest, a_declared_ledger_is_kept_and_the_name_ledger_is_free_to_use) {
  const std::string head = "name: t\nservices:\n  broker: {image: rabbitmq}\n  rec: {image: redis, role: ledger}\n"
                           "  worker: {image: celery-worker, broker: broker}\nsteps:\n  - load: {count: 1}\n";
  const auto declared = load_ok(head);
  EXPECT_EQ(declared.services.size(), 3u);
  const auto taken = load_ok("name: t\nservices:\n  broker: {image: rabbitmq}\n  ledger: {image: redis}\n"
                             "  worker: {image: celery-worker, broker: broker}\nsteps:\n  - load: {count: 1}\n");
  const Service* implicit = taken.find_service("celery-chaos-ledger");
  ASSERT_NE(implicit, nullptr);
  EXPECT_EQ(implicit->role, "ledger");
  EXPECT_EQ(taken.find_service("ledger")->role, "");
}

TEST(ScenarioLoadTest, apply_async_scheduling_and_routing_options_pass_through) {
  const LoadStep load = load_step(
      "  - load:\n      count: 1\n"
      "      publish: {countdown: 10s, eta: 1m, expires: 1500ms, priority: 9, routing_key: rk,\n"
      "                headers: {tenant: a, n: 2}}\n");
  EXPECT_EQ(load.publish.apply, nlohmann::json::parse(
                                    R"({"countdown": 10.0, "expires": 1.5, "priority": 9, "routing_key": "rk",
                                        "headers": {"tenant": "a", "n": 2}})"));
  EXPECT_EQ(load.publish.eta, 1min);
  EXPECT_TRUE(load_step("  - load: {count: 1}\n").publish.apply.empty());
  EXPECT_EQ(load_errors(k_head + "  - load: {count: 1, publish: {countdown: soon, priority: 256}}\n"
                                 "  - load: {count: 1, publish: {expires: 0s, headers: [a]}}\n"),
            (std::vector<std::string>{
                "test.yaml:7:43: invalid duration 'soon' for 'countdown' (expected e.g. 500ms, 10s, 1m30s)",
                "test.yaml:7:59: 'priority' must be an integer from 0 to 255, got '256'",
                "test.yaml:8:41: 'expires' must be a positive duration, got '0s'",
                "test.yaml:8:54: 'headers' must be a map (message headers, e.g. {tenant: a}), got a list",
            }));
}

TEST(ScenarioLoadTest, load_problems) {
  EXPECT_EQ(load_error(k_head + "  - load: {rate: 5}\n"),
            "test.yaml:7:11: load step needs 'count' or 'duration' (or both: whichever comes first)");
  EXPECT_EQ(load_error(k_head + "  - load: {count: 0}\n"),
            "test.yaml:7:19: 'count' must be an integer from 1 to 100000000, got '0'");
  EXPECT_EQ(load_error(k_head + "  - load: {count: 1, rate: fast}\n"),
            "test.yaml:7:28: 'rate' must be tasks per second, e.g. 50, 50/s or 600/m (0 = as fast as possible), "
            "got 'fast'");
  EXPECT_EQ(load_error(k_head + "  - load: {count: 1, rate: -1/s}\n"),
            "test.yaml:7:28: 'rate' must be tasks per second, e.g. 50, 50/s or 600/m (0 = as fast as possible), "
            "got '-1/s'");
  EXPECT_EQ(load_error(k_head + "  - load: {count: 1, service: broker}\n"),
            "test.yaml:7:31: load step publishes through the Celery client of a celery-worker service, but 'broker' "
            "is a rabbitmq service");
  EXPECT_EQ(load_error(k_head + "  - load: {count: 1, tsak: x}\n"),
            "test.yaml:7:22: unknown key 'tsak' in load step (did you mean 'task'?)");
  EXPECT_EQ(load_error(k_head + "  - load: {count: 1, publish: {confirm: true}}\n"),
            "test.yaml:7:32: unknown key 'confirm' in publish options (did you mean 'confirm_publish'?)");
  EXPECT_EQ(load_error(k_head + "  - load: {count: 1, publish: {delivery_mode: 3}}\n"),
            "test.yaml:7:47: 'delivery_mode' must be an integer from 1 to 2, got '3'");
  EXPECT_EQ(load_error(k_head + "  - load: 5\n"),
            "test.yaml:7:11: 'load' must be a map with task, count or duration, rate, args, kwargs, queue, service or "
            "publish, "
            "got '5'");
}

TEST(ScenarioLoadTest, args_are_a_list_and_kwargs_a_map) {
  EXPECT_EQ(load_errors(k_head + "  - load: {count: 1, args: {seconds: 1}, kwargs: [1]}\n  - load: {count: 1, args: 7}\n"),
            (std::vector<std::string>{
                "test.yaml:7:28: 'args' must be a list (the task's positional arguments, e.g. [0.5]; keyword "
                "arguments go in 'kwargs'), got a map",
                "test.yaml:7:50: 'kwargs' must be a map (the task's keyword arguments, e.g. {delay: 0.5}), got a list",
                "test.yaml:8:28: 'args' must be a list (the task's positional arguments, e.g. [0.5]; keyword "
                "arguments go in 'kwargs'), got '7'",
            }));
}

TEST(ScenarioLoadTest, a_load_needs_a_worker_to_publish_through) {
  EXPECT_EQ(load_error("name: t\nservices:\n  broker: {image: rabbitmq}\nsteps:\n  - load: {count: 1}\n"),
            "test.yaml:5:5: load step needs a celery-worker service to publish through (none is defined)");
}

TEST(ScenarioLoadTest, wait_drained) {
  const auto scenario = load_ok(k_head + "  - load: {count: 1}\n  - wait: {drained: true, timeout: 30s}\n"
                                          "  - wait: {drained: true, fail_on_timeout: false}\n");
  const auto& wait = params_of<WaitStep>(scenario.steps[1]);
  EXPECT_TRUE(wait.drained);
  EXPECT_TRUE(wait.fail_on_timeout);
  EXPECT_EQ(wait.timeout, 30s);
  EXPECT_FALSE(params_of<WaitStep>(scenario.steps[2]).fail_on_timeout);
}

TEST(ScenarioLoadTest, drained_without_a_load_has_nothing_to_wait_for) {
  EXPECT_EQ(load_error(k_head + "  - wait: {drained: true}\n"),
            "test.yaml:7:5: wait step waits for 'drained', but the scenario has no load step");
}

}  // namespace
}  // namespace harness::scenario
