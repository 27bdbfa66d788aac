#include "harness/scenario/server_config.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "harness/scenario/placeholder_keys.h"

#include "tests/scenario/scenario_test_util.h"

namespace harness::scenario {
namespace {

using testing::load_error;
using testing::load_errors;
using testing::load_ok;

using Settings = std::map<std::string, std::string>;

// Services on line 3 onwards.
const std::string k_head = "name: t\nservices:\n";

TEST(ServerConfigTest, rabbitmq_config_keys_are_kept_with_booleans_as_true_and_false) {
  const Scenario s = load_ok(k_head +
                             "  broker:\n"
                             "    image: rabbitmq\n"
                             "    config:\n"
                             "      consumer_timeout: 5000\n"
                             "      vm_memory_high_watermark.relative: 0.6\n"
                             "      tcp_listen_options.nodelay: true\n"
                             "      cluster_partition_handling: 'false'\n"
                             "      log.console.level: debug\n");
  EXPECT_EQ(s.services.at(0).server_config,
            (Settings{{"consumer_timeout", "5000"},
                      {"vm_memory_high_watermark.relative", "0.6"},
                      {"tcp_listen_options.nodelay", "true"},
                      {"cluster_partition_handling", "false"},  // quoted: a string, as written
                      {"log.console.level", "debug"}}));
  EXPECT_EQ(s.services.at(0).config, nlohmann::json::object()) << "a server's settings are not Celery settings";
}

TEST(ServerConfigTest, redis_booleans_are_yes_and_no_and_other_values_stay_as_written) {
  const Scenario s = load_ok(k_head + "  cache: {image: redis, config: {appendonly: true, lazyfree-lazy-eviction: "
                                      "false, maxmemory: 1mb, maxmemory-policy: noeviction, save: '', timeout: 0}}\n");
  EXPECT_EQ(s.services.at(0).server_config,
            (Settings{{"appendonly", "yes"},
                      {"lazyfree-lazy-eviction", "no"},
                      {"maxmemory", "1mb"},
                      {"maxmemory-policy", "noeviction"},
                      {"save", ""},
                      {"timeout", "0"}}));
}

TEST(ServerConfigTest, postgres_booleans_are_on_and_off) {
  const Scenario s = load_ok(k_head + "  db: {image: postgres, config: {max_connections: 20, fsync: true, "
                                      "idle_session_timeout: 5s, log_connections: yes}}\n");
  EXPECT_EQ(s.services.at(0).server_config, (Settings{{"max_connections", "20"},
                                                     {"fsync", "on"},
                                                     {"idle_session_timeout", "5s"},
                                                     {"log_connections", "yes"}}));  // YAML 1.1's yes: as written
}

TEST(ServerConfigTest, keys_the_harness_sets_are_refused_with_why) {
  EXPECT_EQ(load_error(k_head + "  broker: {image: rabbitmq, config: {listeners.tcp.default: 5672}}\n"),
            "test.yaml:3:38: config key 'listeners.tcp.default' of service 'broker' is set by the harness: the node "
            "listens on 127.0.0.1 at a port the harness allocates ({{broker.port}})");
  EXPECT_EQ(load_error(k_head + "  broker: {image: rabbitmq, config: {default_pass: x}}\n"),
            "test.yaml:3:38: config key 'default_pass' of service 'broker' is set by the harness: the harness "
            "generates the credentials ({{broker.user}}, {{broker.password}})");
  EXPECT_EQ(load_error(k_head + "  broker: {image: rabbitmq, config: {log.file: true}}\n"),
            "test.yaml:3:38: config key 'log.file' of service 'broker' is set by the harness: the node logs to its "
            "console, which is logs/broker.log (only 'log.console.level' may be set)");
  EXPECT_EQ(load_error(k_head + "  cache: {image: redis, config: {PORT: 6379}}\n"),
            "test.yaml:3:34: config key 'PORT' of service 'cache' is set by the harness: the server listens on "
            "127.0.0.1 at a port the harness allocates ({{cache.port}})");
  EXPECT_EQ(load_error(k_head + "  cache: {image: redis, config: {requirepass: x}}\n"),
            "test.yaml:3:34: config key 'requirepass' of service 'cache' is set by the harness: the harness "
            "generates the password ({{cache.password}})");
  EXPECT_EQ(load_error(k_head + "  db: {image: postgres, config: {listen_addresses: '*'}}\n"),
            "test.yaml:3:34: config key 'listen_addresses' of service 'db' is set by the harness: the server "
            "listens on 127.0.0.1 at a port the harness allocates ({{db.port}})");
  EXPECT_EQ(load_error(k_head + "  db: {image: postgres, config: {logging_collector: on}}\n"),
            "test.yaml:3:34: config key 'logging_collector' of service 'db' is set by the harness: the server logs "
            "to stderr, which is logs/db.log");
}

TEST(ServerConfigTest, a_value_must_be_one_scalar_line) {
  EXPECT_EQ(load_errors(k_head + "  cache:\n"
                                 "    image: redis\n"
                                 "    config:\n"
                                 "      maxmemory: [1, 2]\n"
                                 "      timeout:\n"
                                 "      notify-keyspace-events: \"Ex\\nport 1\"\n"),
            (std::vector<std::string>{
                "test.yaml:6:18: config key 'maxmemory' of service 'cache' must be a string, a number or a boolean, "
                "got a list",
                "test.yaml:7:7: config key 'timeout' of service 'cache' must be a string, a number or a boolean, got "
                "null",
                "test.yaml:8:31: config key 'notify-keyspace-events' of service 'cache' must be one line, got "
                "'Ex\nport 1'",
            }));
}

TEST(ServerConfigTest, config_must_be_a_map_of_the_servers_settings) {
  EXPECT_EQ(load_error(k_head + "  broker: {image: rabbitmq, config: [heartbeat]}\n"),
            "test.yaml:3:37: 'config' must be a map of rabbitmq.conf keys, got a list");
  EXPECT_EQ(load_error(k_head + "  db: {image: postgres, config: x}\n"),
            "test.yaml:3:33: 'config' must be a map of PostgreSQL parameters, got 'x'");
  EXPECT_EQ(load_error(k_head + "  cache: {image: redis, config: {'max memory': 1}}\n"),
            "test.yaml:3:34: invalid config key 'max memory' of service 'cache' (expected letters, digits, '_', '.' "
            "or '-')");
}

TEST(ServerConfigTest, placeholders_expose_each_setting) {
  const Scenario s = load_ok(k_head +
                             "  broker: {image: rabbitmq, config: {heartbeat: 10}}\n"
                             "  cache: {image: redis, replicas: 1, config: {maxmemory: 1mb}}\n"
                             "  db: {image: postgres, config: {max_connections: 20}}\n"
                             "steps:\n"
                             "  - exec: {command: 'echo {{broker.config.heartbeat}} {{cache.config.maxmemory}} "
                             "{{cache.replica-1.config.maxmemory}} {{db.config.max_connections}}'}\n");
  const auto keys = placeholder_keys(s, PlaceholderScope::k_worker_setup);
  for (const char* key : {"broker.config.heartbeat", "cache.config.maxmemory", "cache.replica-1.config.maxmemory",
                          "db.config.max_connections"})
    EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end()) << key;
  EXPECT_EQ(load_error(k_head + "  cache: {image: redis, config: {maxmemory: 1mb}}\n"
                                "steps:\n"
                                "  - exec: {command: 'echo {{cache.config.maxmemroy}}'}\n"),
            "test.yaml:5:27: unknown placeholder {{cache.config.maxmemroy}} (did you mean {{cache.config.maxmemory}}?)");
}

TEST(ServerConfigTest, a_has_setting_of_a_case_insensitive_server_ignores_case) {
  const Settings settings{{"AppendOnly", "yes"}};
  EXPECT_TRUE(has_setting(settings, "appendonly", true));
  EXPECT_FALSE(has_setting(settings, "appendonly", false));
  EXPECT_FALSE(has_setting(settings, "save", true));
}

}  // namespace
}  // namespace harness::scenario
