// Placeholders known before anything starts: the keys each kind offers (placeholder_keys.cc) and the loader's check
// of every {{...}} in a scenario against them (loader.cc).
#include "harness/scenario/placeholder_keys.h"

#include <gtest/gtest.h>

#include "tests/scenario/scenario_test_util.h"

namespace harness::scenario {
namespace {

using testing::load_error;
using testing::load_errors;
using testing::load_ok;

// Services on lines 3-6, steps from line 8.
const std::string k_head =
    "name: t\nservices:\n  broker: {image: rabbitmq}\n  results: {image: redis, replicas: 1, sentinels: 2}\n"
    "  db: {image: postgres}\n  worker: {image: celery-worker, broker: broker, replicas: 2}\nsteps:\n";

TEST(ScenarioPlaceholderTest, find_placeholders_reads_braces_as_the_expansion_does) {
  const auto uses = find_placeholders("a {{ db.port }}b{{run.id}} {{x");
  ASSERT_EQ(uses.size(), 2u);
  EXPECT_EQ(uses[0].offset, 2u);
  EXPECT_EQ(uses[0].length, 13u);
  EXPECT_EQ(uses[0].key, "db.port");
  EXPECT_EQ(uses[1].key, "run.id");
  EXPECT_TRUE(find_placeholders("echo {not one} }}{{").empty());
}

TEST(ScenarioPlaceholderTest, keys_of_every_kind_and_instance) {
  const Scenario s = load_ok(k_head + "  - wait: 1s\n");
  const auto keys = placeholder_keys(s, PlaceholderScope::k_run);
  const auto has = [&](const std::string& key) { return std::binary_search(keys.begin(), keys.end(), key); };
  for (const char* key : {"run.dir", "run.id", "broker.management_url", "broker.nodes", "results.sentinel_url",
                          "results.replica-1.port", "results.sentinel-2.port", "results.sentinel-2.master_name",
                          "db.backend_url", "db.socket_dir", "worker.nodes", "worker.node", "worker.2.node",
                          "worker.1.fixtures"})
    EXPECT_TRUE(has(key)) << key;
  for (const char* key : {"worker.3.node", "results.replica-1.sentinel_url", "results.sentinel-1.password",
                          "db.node", "run.port"})
    EXPECT_FALSE(has(key)) << key;
  // A worker's own command, URLs and environment are expanded before any worker exists.
  const auto setup = placeholder_keys(s, PlaceholderScope::k_worker_setup);
  EXPECT_TRUE(std::binary_search(setup.begin(), setup.end(), "db.url"));
  EXPECT_FALSE(std::binary_search(setup.begin(), setup.end(), "worker.node"));
}

TEST(ScenarioPlaceholderTest, a_typo_is_reported_at_the_placeholder_with_the_closest_key) {
  EXPECT_EQ(load_error(k_head + "  - exec: \"redis-cli -a {{results.pasword}} ping\"\n"),
            "test.yaml:8:25: unknown placeholder {{results.pasword}} (did you mean {{results.password}}?)");
  EXPECT_EQ(load_error(k_head + "  - exec: {command: \"celery inspect ping -d {{worker.9.node}}\"}\n"),
            "test.yaml:8:45: unknown placeholder {{worker.9.node}} (did you mean {{worker.1.node}}?)");
}

TEST(ScenarioPlaceholderTest, an_unknown_service_lists_the_known_ones) {
  EXPECT_EQ(load_error(k_head + "  - exec: \"nc -z 127.0.0.1 {{nope.port}}\"\n"),
            "test.yaml:8:28: unknown placeholder {{nope.port}} (no service or instance 'nope'; known: broker, db, "
            "results, results.replica-1, results.sentinel-1, results.sentinel-2, run, worker, worker.1, worker.2)");
  EXPECT_EQ(load_error(k_head + "  - exec: \"echo {{db.colour}}\"\n"),
            "test.yaml:8:17: unknown placeholder {{db.colour}} ('db' offers: backend_url, database, dir, "
            "direct_port, direct_url, host, password, port, socket_dir, url, user)");
}

TEST(ScenarioPlaceholderTest, every_place_that_expands_is_checked) {
  const std::string services =
      "name: t\nservices:\n  broker: {image: rabbitmq, healthcheck: {test: [CMD, x, '{{brokr.port}}']}}\n"
      "  worker:\n    image: celery-worker\n    broker_url: '{{broker.uri}}'\n    backend_url: x{{db.url}}\n"
      "    environment: ['A={{broker.hots}}']\n    command: >-\n      celery worker\n      -n {{worker.node}}\n"
      "steps:\n  - load: {count: 1, args: ['{{run.di}}'], kwargs: {k: '{{run.idd}}'}, queue: '{{broker.nod}}'}\n"
      "checks:\n  - exec: {command: 'echo {{worker.nodez}}'}\n";
  EXPECT_EQ(load_errors(services),
            (std::vector<std::string>{
                "test.yaml:3:59: unknown placeholder {{brokr.port}} (did you mean {{broker.port}}?)",
                "test.yaml:6:18: unknown placeholder {{broker.uri}} (did you mean {{broker.url}}?)",
                "test.yaml:7:19: unknown placeholder {{db.url}} (no service or instance 'db'; known: broker, "
                "ledger, run)",
                "test.yaml:8:22: unknown placeholder {{broker.hots}} (did you mean {{broker.host}}?)",
                "test.yaml:11:10: placeholder {{worker.node}} cannot be used in a celery-worker's command, "
                "environment, broker_url or backend_url (they are set before any worker exists: only data "
                "services' and run placeholders are; a worker's own node name is $CELERY_CHAOS_NODE)",
                "test.yaml:13:30: unknown placeholder {{run.di}} (did you mean {{run.dir}}?)",
                "test.yaml:13:57: unknown placeholder {{run.idd}} (did you mean {{run.id}}?)",
                "test.yaml:13:80: unknown placeholder {{broker.nod}} (did you mean {{broker.node}}?)",
                "test.yaml:15:27: unknown placeholder {{worker.nodez}} (did you mean {{worker.node}}?)",
            }));
}

TEST(ScenarioPlaceholderTest, known_placeholders_pass) {
  load_ok(k_head +
          "  - exec: {service: worker, command: 'celery inspect ping -d {{worker.nodes}} {{ worker.2.node }}'}\n"
          "  - exec: 'redis-cli -p {{results.sentinel-1.port}} -a {{results.password}} {{run.dir}}/{{run.id}}'\n"
          "  - exec: 'echo {not one} {{ unclosed'\n");
}

}  // namespace
}  // namespace harness::scenario
