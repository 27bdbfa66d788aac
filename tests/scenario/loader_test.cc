#include "harness/scenario/loader.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/scenario/scenario_test_util.h"
#include "harness/check/exec_check.h"
#include "harness/check/log_check.h"

namespace harness::scenario {
namespace {

using namespace std::chrono_literals;
using testing::load_error;
using testing::load_errors;
using testing::load_ok;

const std::string k_data_dir = std::string(TESTS_DIR) + "/scenario/data";

TEST(ScenarioLoaderTest, full_scenario_lands_in_the_model) {
  const Scenario s = load_ok(R"(name: pidbox-reply-expiry
description: >
  celery status as a health check fails.
tags: [rabbitmq, healthcheck]
timeout: 3m
seed: 7
python: /opt/venv/bin/python
expect: fail
services:
  broker: {image: "rabbitmq:3.12-management"}
  results: {kind: redis}
  ledger: {image: redis, role: ledger}
  db: {image: postgres:16, database: results_db, restart: always}
  worker:
    image: registry.example.com/team/celery-worker:1.2
    broker: broker
    backend: db
    broker_url: amqp://guest@{{broker.host}}:{{broker.port}}//
    backend_url: db+{{db.url}}
    replicas: 2
    command: celery -A probe worker --concurrency 2
    app: myapp
    python: /usr/bin/python3.11
    # no concurrency: the command says it
    config: {task_acks_late: true, worker_prefetch_multiplier: 1, visibility_timeout: 1.5, queue: 'default',
             routes: {a: [1, "2", null]}}
    environment: {CELERY_TRACE: "1", MODE: fast}
    healthcheck:
      test: ["CMD-SHELL", "celery -A probe status"]
      interval: 5s
      timeout: 10s
      retries: 4
      start_period: 20s
    restart: unless-stopped
    restart_on_unhealthy: true
steps:
  - wait: {healthy: [worker], ready: [broker, results], timeout: 90s}
  - name: settle
    at: 8s
    for: 30s
    fault: {pause: worker.2}
  - exec: {command: "rabbitmqctl list_queues", service: broker, timeout: 5s, expect_exit: 0}
checks:
  - log: {service: broker, contains: "channel exception", regex: false}
  - name: no tracebacks
    log: {service: worker, not_contains: "Traceback.*", regex: true}
  - exec: {command: "celery -A probe inspect ping", service: worker, exit_code: 1, output_contains: pong,
           timeout: 20s}
)");
  EXPECT_EQ(s.name, "pidbox-reply-expiry");
  EXPECT_EQ(s.description, "celery status as a health check fails.\n");
  EXPECT_EQ(s.tags, (std::vector<std::string>{"rabbitmq", "healthcheck"}));
  EXPECT_EQ(s.timeout, 3min);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_TRUE(s.seed_given);
  EXPECT_EQ(s.python, "/opt/venv/bin/python");
  EXPECT_EQ(s.expect, Expectation::k_fail);
  EXPECT_EQ(s.file, "test.yaml");

  ASSERT_EQ(s.services.size(), 5u);
  EXPECT_EQ(s.services[0].name, "broker");
  EXPECT_EQ(s.services[0].kind, ServiceKind::k_rabbitmq);
  EXPECT_EQ(s.services[0].image, "rabbitmq:3.12-management");
  EXPECT_EQ(s.services[0].location.line, 10);
  EXPECT_EQ(s.services[0].location.column, 3);
  EXPECT_EQ(s.services[1].kind, ServiceKind::k_redis);
  EXPECT_EQ(s.services[1].image, "");
  EXPECT_EQ(s.services[2].role, "ledger");
  EXPECT_EQ(s.services[3].kind, ServiceKind::k_postgres);
  EXPECT_EQ(s.services[3].database, "results_db");
  EXPECT_EQ(s.services[3].restart, "always");

  const Service& w = s.services[4];
  EXPECT_EQ(w.name, "worker");
  EXPECT_EQ(w.kind, ServiceKind::k_celery_worker);
  EXPECT_EQ(w.broker, "broker");
  EXPECT_EQ(w.backend, "db");
  EXPECT_EQ(w.broker_url, "amqp://guest@{{broker.host}}:{{broker.port}}//");
  EXPECT_EQ(w.backend_url, "db+{{db.url}}");
  EXPECT_EQ(w.replicas, 2);
  EXPECT_EQ(w.command, "celery -A probe worker --concurrency 2");
  EXPECT_EQ(w.app, "myapp");
  EXPECT_EQ(w.python, "/usr/bin/python3.11");
  EXPECT_EQ(w.concurrency, 2);
  EXPECT_EQ(w.config, nlohmann::json::parse(R"({"task_acks_late": true, "worker_prefetch_multiplier": 1,
      "visibility_timeout": 1.5, "queue": "default", "routes": {"a": [1, "2", null]}})"));
  EXPECT_TRUE(w.config["worker_prefetch_multiplier"].is_number_integer());
  EXPECT_EQ(w.environment, (std::map<std::string, std::string>{{"CELERY_TRACE", "1"}, {"MODE", "fast"}}));
  ASSERT_TRUE(w.healthcheck.has_value());
  EXPECT_EQ(w.healthcheck->test, (std::vector<std::string>{"CMD-SHELL", "celery -A probe status"}));
  EXPECT_EQ(w.healthcheck->interval, 5s);
  EXPECT_EQ(w.healthcheck->timeout, 10s);
  EXPECT_EQ(w.healthcheck->retries, 4);
  EXPECT_EQ(w.healthcheck->start_period, 20s);
  EXPECT_EQ(w.healthcheck->success_threshold, 1);
  EXPECT_EQ(w.healthcheck->location.line, 28);
  EXPECT_EQ(w.restart, "unless-stopped");
  EXPECT_TRUE(w.restart_on_unhealthy);

  ASSERT_EQ(s.steps.size(), 3u);
  const auto& wait = params_of<WaitStep>(s.steps[0]);
  EXPECT_EQ(wait.healthy, (std::vector<std::string>{"worker"}));
  EXPECT_EQ(wait.ready, (std::vector<std::string>{"broker", "results"}));
  EXPECT_EQ(wait.timeout, 90s);
  EXPECT_FALSE(wait.duration.has_value());
  EXPECT_FALSE(s.steps[0].at.has_value());
  EXPECT_EQ(s.steps[0].location.line, 37);
  EXPECT_EQ(s.steps[1].name, "settle");
  EXPECT_EQ(s.steps[1].at, 8s);
  EXPECT_EQ(s.steps[1].for_, 30s);
  EXPECT_EQ(params_of<FaultStep>(s.steps[1]).kind, "pause");
  EXPECT_EQ(params_of<FaultStep>(s.steps[1]).service, "worker.2");
  const auto& exec = params_of<ExecStep>(s.steps[2]);
  EXPECT_EQ(exec.command, "rabbitmqctl list_queues");
  EXPECT_EQ(exec.service, "broker");
  EXPECT_EQ(exec.timeout, 5s);
  EXPECT_EQ(exec.expect_exit, 0);

  ASSERT_EQ(s.checks.size(), 3u);
  EXPECT_EQ(s.checks[0].name, "log broker contains 'channel exception'");
  const auto& log0 = params_of<check::LogParams>(s.checks[0]);
  EXPECT_EQ(log0.service, "broker");
  EXPECT_EQ(log0.contains, "channel exception");
  EXPECT_FALSE(log0.not_contains.has_value());
  EXPECT_FALSE(log0.regex);
  EXPECT_EQ(s.checks[1].name, "no tracebacks");
  const auto& log1 = params_of<check::LogParams>(s.checks[1]);
  EXPECT_EQ(log1.not_contains, "Traceback.*");
  EXPECT_TRUE(log1.regex);
  EXPECT_EQ(s.checks[2].name, "exec 'celery -A probe inspect ping' in worker");
  const auto& check_exec = params_of<check::ExecParams>(s.checks[2]);
  EXPECT_EQ(check_exec.command, "celery -A probe inspect ping");
  EXPECT_EQ(check_exec.service, "worker");
  EXPECT_EQ(check_exec.exit_code, 1);
  EXPECT_EQ(check_exec.output_contains, "pong");
  EXPECT_EQ(check_exec.timeout, 20s);
  EXPECT_EQ(s.checks[2].location.line, 47);
}

TEST(ScenarioLoaderTest, minimal_scenario_gets_the_defaults) {
  const Scenario s = load_ok("name: t\nservices: {broker: {image: rabbitmq}}\n");
  EXPECT_EQ(s.timeout, 5min);
  EXPECT_EQ(s.seed, 0u);
  EXPECT_FALSE(s.seed_given);
  EXPECT_FALSE(s.python.has_value());
  EXPECT_EQ(s.expect, Expectation::k_pass);
  EXPECT_TRUE(s.steps.empty());
  EXPECT_TRUE(s.checks.empty());
  ASSERT_EQ(s.services.size(), 1u);
  const Service& broker = s.services[0];
  EXPECT_EQ(broker.replicas, 1);
  EXPECT_EQ(broker.restart, "no");
  EXPECT_FALSE(broker.restart_on_unhealthy);
  EXPECT_FALSE(broker.healthcheck.has_value());
  EXPECT_EQ(broker.config, nlohmann::json::object());
}

TEST(ScenarioLoaderTest, json_scenario_is_read_like_yaml) {
  const Scenario s = load_ok(R"({
  "name": "json-scenario",
  "timeout": 90,
  "services": {
    "broker": {"image": "rabbitmq"},
    "worker": {"kind": "celery-worker", "broker": "broker", "replicas": 3,
               "config": {"acks_late": true, "prefetch": 4, "ratio": 0.5, "name": "q", "numeric_string": "10"}}
  },
  "steps": [{"wait": "10s"}, {"exec": "true"}],
  "checks": [{"log": {"service": "broker", "contains": "started"}}]
})");
  EXPECT_EQ(s.name, "json-scenario");
  EXPECT_EQ(s.timeout, 90s);
  ASSERT_EQ(s.services.size(), 2u);
  EXPECT_EQ(s.services[1].replicas, 3);
  EXPECT_EQ(s.services[1].config, nlohmann::json::parse(R"({"acks_late": true, "prefetch": 4, "ratio": 0.5, "name": "q",
                                      "numeric_string": "10"})"));
  ASSERT_EQ(s.steps.size(), 2u);
  EXPECT_EQ(params_of<WaitStep>(s.steps[0]).duration, 10s);
  EXPECT_EQ(params_of<ExecStep>(s.steps[1]).command, "true");
  ASSERT_EQ(s.checks.size(), 1u);
  EXPECT_EQ(s.checks[0].name, "log broker contains 'started'");
}

TEST(ScenarioLoaderTest, json_errors_have_locations) {
  EXPECT_EQ(load_errors(R"({"name": "j", "services": {"broker": {"image": "rabbitmq", "replicas": "two"}},
 "timeot": "1m"})"),
            (std::vector<std::string>{
                "test.yaml:1:60: 'replicas' applies only to celery-beat, celery-worker and redis services ('broker' is a rabbitmq service)",
                "test.yaml:1:72: 'replicas' must be an integer >= 1, got 'two'",
                "test.yaml:2:2: unknown key 'timeot' (did you mean 'timeout'?)",
            }));
}

TEST(ScenarioLoaderTest, yaml_syntax_error) {
  EXPECT_EQ(load_error("name: t\nservices: [a\nsteps: []\n"),
            "test.yaml:3:6: YAML syntax error: end of sequence flow not found");
  EXPECT_EQ(load_error("name: \"t"), "test.yaml:1:9: YAML syntax error: illegal EOF in scalar");
  EXPECT_EQ(load_error("name: t\n  services: x\n"), "test.yaml:2:11: YAML syntax error: illegal map value");
}

TEST(ScenarioLoaderTest, empty_file) {
  EXPECT_EQ(load_error(""),
            "test.yaml: the file is empty (expected a scenario: a map with at least 'name' and 'services')");
  EXPECT_EQ(load_error("# only a comment\n"),
            "test.yaml: the file is empty (expected a scenario: a map with at least 'name' and 'services')");
}

TEST(ScenarioLoaderTest, more_than_one_document) {
  EXPECT_EQ(load_error("name: t\nservices: {broker: {image: rabbitmq}}\n---\nname: u\n"),
            "test.yaml:4:1: more than one YAML document (expected one scenario per file)");
}

TEST(ScenarioLoaderTest, top_level_must_be_a_map) {
  EXPECT_EQ(load_error("- name: t\n"),
            "test.yaml:1:1: the scenario must be a map (with at least 'name' and 'services'), got a list");
  EXPECT_EQ(load_error("hello\n"),
            "test.yaml:1:1: the scenario must be a map (with at least 'name' and 'services'), got 'hello'");
}

TEST(ScenarioLoaderTest, missing_required_keys) {
  EXPECT_EQ(load_errors("description: nothing else\n"), (std::vector<std::string>{
                                                            "test.yaml:1:1: missing required key 'name'",
                                                            "test.yaml:1:1: missing required key 'services'",
                                                        }));
}

TEST(ScenarioLoaderTest, unknown_top_level_key_suggests_the_closest) {
  EXPECT_EQ(load_error("name: t\nservices: {broker: {image: rabbitmq}}\nservces: {}\n"),
            "test.yaml:3:1: unknown key 'servces' (did you mean 'services'?)");
  EXPECT_EQ(load_error("name: t\nservices: {broker: {image: rabbitmq}}\ndesc: x\n"),
            "test.yaml:3:1: unknown key 'desc' (did you mean 'description'?)");
}

TEST(ScenarioLoaderTest, a_scenarios_when_names_the_stacks_it_is_about_and_a_bad_spec_is_located) {
  const Scenario s = load_ok("name: t\nwhen: {celery: \">=5.5\"}\nservices: {broker: {image: rabbitmq}}\n");
  EXPECT_EQ(s.when, (std::map<std::string, std::string>{{"celery", ">=5.5"}}));
  EXPECT_TRUE(load_ok("name: t\nservices: {broker: {image: rabbitmq}}\n").when.empty());
  EXPECT_EQ(load_error("name: t\nwhen: {celery: \"<<5\"}\nservices: {broker: {image: rabbitmq}}\n").rfind(
                "test.yaml:2:16: invalid version spec for 'celery'", 0),
            0u);
}

TEST(ScenarioLoaderTest, unknown_top_level_key_without_a_close_one_lists_the_keys) {
  EXPECT_EQ(load_error("name: t\nservices: {broker: {image: rabbitmq}}\nfaults: []\n"),
            "test.yaml:3:1: unknown key 'faults' (expected one of: name, description, tags, timeout, seed, python, "
            "services, steps, checks, expect, when, queues)");
}

TEST(ScenarioLoaderTest, extension_keys_hold_anchors) {
  const Scenario s = load_ok(R"(name: t
x-healthcheck: &hc {test: [CMD-SHELL, "redis-cli ping"], interval: 1s}
services:
  a: {image: redis, healthcheck: *hc}
  b: {image: redis, healthcheck: *hc}
)");
  ASSERT_EQ(s.services.size(), 2u);
  ASSERT_TRUE(s.services[1].healthcheck.has_value());
  EXPECT_EQ(s.services[1].healthcheck->test, (std::vector<std::string>{"CMD-SHELL", "redis-cli ping"}));
  EXPECT_EQ(s.services[1].healthcheck->interval, 1s);
}

TEST(ScenarioLoaderTest, merge_keys_are_not_supported) {
  EXPECT_EQ(load_error("name: t\nservices:\n  b: {image: redis, <<: {a: 1}}\n"),
            "test.yaml:3:21: unknown key '<<' in service 'b' (YAML merge keys are not supported: write the keys "
            "out, or anchor a whole value, e.g. 'healthcheck: *common')");
}

TEST(ScenarioLoaderTest, invalid_scenario_name) {
  EXPECT_EQ(load_error("name: my scenario\nservices: {broker: {image: rabbitmq}}\n"),
            "test.yaml:1:7: invalid scenario name 'my scenario' (expected letters, digits, '.', '_' or '-', "
            "starting with a letter or digit)");
  EXPECT_EQ(load_error("name: -t\nservices: {broker: {image: rabbitmq}}\n"),
            "test.yaml:1:7: invalid scenario name '-t' (expected letters, digits, '.', '_' or '-', starting with "
            "a letter or digit)");
  EXPECT_EQ(load_ok("name: Release_1.2-rc3\nservices: {broker: {image: rabbitmq}}\n").name, "Release_1.2-rc3");
}

TEST(ScenarioLoaderTest, name_must_be_a_string) {
  EXPECT_EQ(load_error("name: [a, b]\nservices: {broker: {image: rabbitmq}}\n"),
            "test.yaml:1:7: 'name' must be a string, got a list");
  EXPECT_EQ(load_error("name:\nservices: {broker: {image: rabbitmq}}\n"),
            "test.yaml:1:1: 'name' must be a string, got null");
}

TEST(ScenarioLoaderTest, tags_must_be_a_list_of_strings) {
  EXPECT_EQ(load_error("name: t\ntags: {a: b}\nservices: {broker: {image: rabbitmq}}\n"),
            "test.yaml:2:7: 'tags' must be a list of strings, got a map");
  EXPECT_EQ(load_error("name: t\ntags: [a, [b]]\nservices: {broker: {image: rabbitmq}}\n"),
            "test.yaml:2:11: entry 2 of 'tags' must be a string, got a list");
}

TEST(ScenarioLoaderTest, timeout_must_be_a_positive_duration) {
  EXPECT_EQ(load_error("name: t\ntimeout: 10x\nservices: {broker: {image: rabbitmq}}\n"),
            "test.yaml:2:10: invalid duration '10x' for 'timeout' (expected e.g. 500ms, 10s, 1m30s)");
  EXPECT_EQ(load_error("name: t\ntimeout: \"30\"\nservices: {broker: {image: rabbitmq}}\n"),
            "test.yaml:2:10: invalid duration '30' for 'timeout' (expected e.g. 500ms, 10s, 1m30s)");
  EXPECT_EQ(load_error("name: t\ntimeout: 0s\nservices: {broker: {image: rabbitmq}}\n"),
            "test.yaml:2:10: 'timeout' must be a positive duration, got '0s'");
  EXPECT_EQ(load_error("name: t\ntimeout: [1s]\nservices: {broker: {image: rabbitmq}}\n"),
            "test.yaml:2:10: 'timeout' must be a duration (e.g. 500ms, 10s, 1m30s), got a list");
}

TEST(ScenarioLoaderTest, yaml_integer_duration_means_seconds) {
  EXPECT_EQ(load_ok("name: t\ntimeout: 45\nservices: {broker: {image: rabbitmq}}\n").timeout, 45s);
}

TEST(ScenarioLoaderTest, seed_must_be_an_unsigned_integer) {
  EXPECT_EQ(load_error("name: t\nseed: -1\nservices: {broker: {image: rabbitmq}}\n"),
            "test.yaml:2:7: 'seed' must be an unsigned integer, got '-1'");
  const Scenario big = load_ok("name: t\nseed: 18446744073709551615\nservices: {broker: {image: rabbitmq}}\n");
  EXPECT_EQ(big.seed, 18446744073709551615u);
  EXPECT_TRUE(big.seed_given);
}

TEST(ScenarioLoaderTest, seed_zero_means_choose_one) {
  const Scenario s = load_ok("name: t\nseed: 0\nservices: {broker: {image: rabbitmq}}\n");
  EXPECT_EQ(s.seed, 0u);
  EXPECT_FALSE(s.seed_given);
}

TEST(ScenarioLoaderTest, expect_must_be_pass_or_fail) {
  EXPECT_EQ(load_error("name: t\nexpect: maybe\nservices: {broker: {image: rabbitmq}}\n"),
            "test.yaml:2:9: invalid value 'maybe' for 'expect' (expected one of: pass, fail)");
}

TEST(ScenarioLoaderTest, services_must_be_a_map) {
  EXPECT_EQ(load_error("name: t\nservices:\n  - broker\n"),
            "test.yaml:3:3: 'services' must be a map of service name to service, got a list");
  EXPECT_EQ(load_error("name: t\nservices:\n"),
            "test.yaml:2:1: 'services' must be a map of service name to service, got null");
}

TEST(ScenarioLoaderTest, services_must_not_be_empty) {
  EXPECT_EQ(load_error("name: t\nservices: {}\n"), "test.yaml:2:11: 'services' must define at least one service");
}

TEST(ScenarioLoaderTest, duplicate_keys_are_reported) {
  EXPECT_EQ(load_error("name: t\nservices:\n  broker: {image: rabbitmq}\nname: u\n"),
            "test.yaml:4:1: duplicate key 'name' (first defined at line 1)");
  EXPECT_EQ(load_error("name: t\nservices:\n  broker: {image: rabbitmq, image: redis}\n"),
            "test.yaml:3:29: duplicate key 'image' (first defined at line 3)");
}

TEST(ScenarioLoaderTest, every_problem_is_reported_in_file_order) {
  EXPECT_EQ(load_errors(R"(name: bad name
timeout: soon
services:
  broker: {image: rabbitmq, replicas: 2}
  worker: {image: celery-worker, broker: brokr, concurrency: 0}
  mystery: {image: nginx}
steps:
  - wiat: 5s
  - fault: {kill: wrker}
checks:
  - log: {service: broker}
  - delivery: {lost: 0}
)"),
            (std::vector<std::string>{
                "test.yaml:1:7: invalid scenario name 'bad name' (expected letters, digits, '.', '_' or '-', "
                "starting with a letter or digit)",
                "test.yaml:2:10: invalid duration 'soon' for 'timeout' (expected e.g. 500ms, 10s, 1m30s)",
                "test.yaml:4:29: 'replicas' applies only to celery-beat, celery-worker and redis services ('broker' is a rabbitmq service)",
                "test.yaml:5:42: service 'worker' refers to undefined broker 'brokr' (did you mean 'broker'?)",
                "test.yaml:5:62: 'concurrency' must be an integer >= 1, got '0'",
                "test.yaml:6:3: service 'mystery' needs 'kind' (one of: celery-beat, celery-monitor, celery-worker, postgres, rabbitmq, redis) "
                "or an image whose name implies it",
                "test.yaml:8:5: unknown key 'wiat' in step (did you mean 'wait'?)",
                "test.yaml:9:19: kill fault refers to undefined service 'wrker' (did you mean 'worker'?)",
                "test.yaml:11:10: log check needs 'contains' or 'not_contains'",
                "test.yaml:12:5: delivery check needs a load step (nothing is published to judge)",
            }));
}

TEST(ScenarioLoaderTest, diagnostic_to_string_without_a_line) {
  EXPECT_EQ((Diagnostic{SourceLocation{"a.yaml", 0, 0}, "cannot read: x"}).to_string(), "a.yaml: cannot read: x");
  EXPECT_EQ((Diagnostic{SourceLocation{"a.yaml", 3, 7}, "bad"}).to_string(), "a.yaml:3:7: bad");
}

TEST(ScenarioLoaderTest, load_file_reads_and_names_the_file) {
  const LoadResult result = load_scenario_file(k_data_dir + "/a_minimal.yaml");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.scenario->name, "minimal");
  EXPECT_EQ(result.scenario->file, k_data_dir + "/a_minimal.yaml");
}

TEST(ScenarioLoaderTest, load_file_reports_diagnostics_with_the_file_name) {
  const LoadResult result = load_scenario_file(k_data_dir + "/c_invalid.yml");
  EXPECT_FALSE(result.scenario.has_value());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].to_string(),
            k_data_dir + "/c_invalid.yml:2:11: 'services' must be a map of service name to service, got 'none'");
}

TEST(ScenarioLoaderTest, unreadable_file) {
  const LoadResult missing = load_scenario_file(k_data_dir + "/no-such.yaml");
  EXPECT_FALSE(missing.scenario.has_value());
  ASSERT_EQ(missing.diagnostics.size(), 1u);
  EXPECT_EQ(missing.diagnostics[0].to_string(), k_data_dir + "/no-such.yaml: cannot read: No such file or directory");

  const LoadResult folder = load_scenario_file(k_data_dir);
  ASSERT_EQ(folder.diagnostics.size(), 1u);
  EXPECT_EQ(folder.diagnostics[0].to_string(), k_data_dir + ": cannot read: Is a directory");
}

TEST(ScenarioLoaderTest, devices_and_pipes_are_refused_without_reading) {
  const std::string refused =
      ": not a regular file (a scenario is a YAML or JSON file; devices, pipes and sockets are refused)";
  const LoadResult device = load_scenario_file("/dev/zero");
  ASSERT_EQ(device.diagnostics.size(), 1u);
  EXPECT_EQ(device.diagnostics[0].to_string(), "/dev/zero" + refused);
  // A FIFO without a writer: opening it must not wait for one.
  const std::string fifo = ::testing::TempDir() + "/celery-chaos-fifo-" + std::to_string(::getpid());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const LoadResult pipe = load_scenario_file(fifo);
  ::unlink(fifo.c_str());
  ASSERT_EQ(pipe.diagnostics.size(), 1u);
  EXPECT_EQ(pipe.diagnostics[0].to_string(), fifo + refused);
}

TEST(ScenarioLoaderTest, a_file_over_8_mib_is_refused) {
  const std::string path = ::testing::TempDir() + "/celery-chaos-large-" + std::to_string(::getpid()) + ".yaml";
  std::ofstream(path) << "name: large\n" << std::string(8 * 1024 * 1024, '#');
  const LoadResult large = load_scenario_file(path);
  std::filesystem::remove(path);
  ASSERT_EQ(large.diagnostics.size(), 1u);
  EXPECT_EQ(large.diagnostics[0].to_string(), path + ": too large for a scenario (8388620 bytes; at most 8 MiB)");
}

TEST(ScenarioLoaderTest, a_name_too_long_for_a_folder_is_reported_at_its_line) {
  EXPECT_EQ(load_error("services: {b: {image: rabbitmq}}\nname: " + std::string(256, 'n') + "\n"),
            "test.yaml:2:7: scenario name is 256 characters long (at most 255: it names the scenario's report "
            "folder)");
  load_ok("services: {b: {image: rabbitmq}}\nname: " + std::string(255, 'n') + "\n");
}

TEST(ScenarioLoaderTest, collect_expands_folders_sorted_and_keeps_files_as_given) {
  std::vector<Diagnostic> diagnostics;
  const auto files = collect_scenario_files({k_data_dir + "/notes.txt", k_data_dir}, diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  std::vector<std::string> names;
  for (const auto& file : files) names.push_back(file.string());
  EXPECT_EQ(names, (std::vector<std::string>{
                       k_data_dir + "/notes.txt",  // named explicitly: taken whatever its extension
                       k_data_dir + "/a_minimal.yaml",
                       k_data_dir + "/b_worker.json",
                       k_data_dir + "/c_invalid.yml",
                   }));
}

TEST(ScenarioLoaderTest, collect_takes_a_path_once) {
  std::vector<Diagnostic> diagnostics;
  const auto files = collect_scenario_files(
      {k_data_dir + "/a_minimal.yaml", k_data_dir, k_data_dir + "/./b_worker.json"}, diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_EQ(files.size(), 3u);
}

TEST(ScenarioLoaderTest, collect_reports_missing_paths_and_empty_folders) {
  std::vector<Diagnostic> diagnostics;
  const auto files = collect_scenario_files(
      {"does/not/exist.yaml", k_data_dir + "/empty", k_data_dir + "/a_minimal.yaml"}, diagnostics);
  EXPECT_EQ(files, (std::vector<std::filesystem::path>{k_data_dir + "/a_minimal.yaml"}));
  ASSERT_EQ(diagnostics.size(), 2u);
  EXPECT_EQ(diagnostics[0].to_string(), "does/not/exist.yaml: no such file or directory");
  EXPECT_EQ(diagnostics[1].to_string(),
            k_data_dir + "/empty: no scenario files (*.yaml, *.yml, *.json) in this folder");
}

TEST(ScenarioLoaderTest, collected_files_load) {
  std::vector<Diagnostic> diagnostics;
  for (const auto& file : collect_scenario_files({k_data_dir}, diagnostics)) {
    const LoadResult result = load_scenario_file(file);
    EXPECT_EQ(result.ok(), file.filename() != "c_invalid.yml") << file;
  }
}

}  // namespace
}  // namespace harness::scenario
