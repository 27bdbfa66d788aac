#include "harness/scenario/service_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string_view>

#include "harness/scenario/service_kind.h"

#include "tests/scenario/scenario_test_util.h"

namespace harness::scenario {
namespace {

using testing::load_error;
using testing::load_errors;
using testing::load_ok;

// Services on line 3 onwards.
const std::string k_head = "name: t\nservices:\n";

TEST(ScenarioServiceTest, kind_is_inferred_from_the_image_name) {
  EXPECT_EQ(infer_kind("rabbitmq"), ServiceKind::k_rabbitmq);
  EXPECT_EQ(infer_kind("rabbitmq:3.12-management"), ServiceKind::k_rabbitmq);
  EXPECT_EQ(infer_kind("docker.io/library/redis:7"), ServiceKind::k_redis);
  EXPECT_EQ(infer_kind("bitnami/redis-sentinel"), ServiceKind::k_redis);
  EXPECT_EQ(infer_kind("postgres@sha256:abcd"), ServiceKind::k_postgres);
  EXPECT_EQ(infer_kind("localhost:5000/postgres:16"), ServiceKind::k_postgres);
  EXPECT_EQ(infer_kind("celery"), ServiceKind::k_celery_worker);
  EXPECT_EQ(infer_kind("team/billing-worker:1.0"), ServiceKind::k_celery_worker);
  EXPECT_EQ(infer_kind("nginx"), std::nullopt);
  EXPECT_EQ(infer_kind("redis/nginx"), std::nullopt);  // only the last path component counts
  EXPECT_EQ(infer_kind(""), std::nullopt);
}

TEST(ScenarioServiceTest, an_image_is_a_services_own_unless_it_is_only_a_kinds_word) {
  const auto own = [](const std::string& image) {
    Service service;
    service.image = image;
    return own_image(service);
  };
  EXPECT_EQ(own("celery-worker"), "");  // the kind's name: the stack's image
  EXPECT_EQ(own("celery"), "");         // a prefix the kind claims
  EXPECT_EQ(own("rabbitmq"), "");
  EXPECT_EQ(own(""), "");
  EXPECT_EQ(own("myorg/app:1.4"), "myorg/app:1.4");
  EXPECT_EQ(own("teamapp"), "teamapp");
  EXPECT_EQ(own("celery:5.3"), "celery:5.3");  // a tag names an image
  EXPECT_EQ(own("registry.example.com/team/celery-worker:1.2"), "registry.example.com/team/celery-worker:1.2");
  EXPECT_EQ(own("celery-worker@sha256:abcd"), "celery-worker@sha256:abcd");
}

TEST(ScenarioServiceTest, a_celery_beat_image_is_a_beat_not_a_worker) {
  // A beat scheduler started as a worker would consume the tasks the scenario watches.
  EXPECT_EQ(infer_kind("celery-beat"), ServiceKind::k_celery_beat);
  EXPECT_EQ(infer_kind("myorg/beat"), ServiceKind::k_celery_beat);
  EXPECT_EQ(infer_kind("myorg/celery-beat:5.3"), ServiceKind::k_celery_beat);
  EXPECT_EQ(infer_kind("team/beat-worker"), std::nullopt);  // claimed by neither: the scenario says
  const Scenario s = load_ok(k_head + "  mq: {image: redis}\n  beat: {image: celery-beat, broker: mq, schedule: "
                                      "[{name: tick, every: 2s, args: [1]}]}\n");
  ASSERT_EQ(s.services.size(), 3u);  // with the ledger the beat's probe tasks are recorded in
  const Service& beat = s.services.back();
  EXPECT_EQ(beat.kind, ServiceKind::k_celery_beat);
  EXPECT_EQ(beat.schedule.dump(), R"([{"args":[1],"every":2.0,"name":"tick","task":"probe.record"}])");
  EXPECT_EQ(beat.scheduler_database, "");
}

TEST(ScenarioServiceTest, a_beat_schedule_is_a_list_or_a_map_of_entries) {
  const Scenario s = load_ok(k_head + "  mq: {image: redis}\n  beat:\n    kind: celery-beat\n    broker: mq\n"
                                      "    schedule:\n      tick: {task: probe.add, every: 1500ms, args: [1, 2]}\n"
                                      "      minutely: {crontab: \"*/1 * * * *\"}\n");
  EXPECT_EQ(s.services.back().schedule.dump(),
            R"([{"args":[1,2],"every":1.5,"name":"tick","task":"probe.add"},)"
            R"({"args":[],"crontab":"*/1 * * * *","name":"minutely","task":"probe.record"}])");
}

TEST(ScenarioServiceTest, a_beat_needs_a_broker_and_a_schedule) {
  EXPECT_EQ(load_errors(k_head + "  beat: {kind: celery-beat}\n"),
            (std::vector<std::string>{
                "test.yaml:3:3: celery-beat service 'beat' needs 'broker' (the name of a rabbitmq or redis service) "
                "or 'broker_url'",
                "test.yaml:3:3: celery-beat service 'beat' needs 'schedule' (the entries it sends)"}));
}

TEST(ScenarioServiceTest, bad_beat_schedule_entries_are_reported) {
  const std::string beat = k_head + "  mq: {image: redis}\n  beat: {kind: celery-beat, broker: mq, schedule: ";
  EXPECT_EQ(load_error(beat + "[{name: a}]}\n"),
            "test.yaml:4:52: schedule entry 'a' needs 'every' (e.g. 2s) or 'crontab' (e.g. \"*/1 * * * *\")");
  EXPECT_EQ(load_error(beat + "[{name: a, every: 1s, crontab: x}]}\n"),
            "test.yaml:4:73: schedule entry 'a' has both 'every' and 'crontab' (one of them)");
  EXPECT_EQ(load_error(beat + "[{name: a, crontab: \"* *\"}]}\n"),
            "test.yaml:4:71: invalid crontab '* *' for schedule entry 'a' (expected 5 fields: minute hour "
            "day-of-month month day-of-week)");
  EXPECT_EQ(load_error(beat + "[{name: a, every: 1s}, {name: a, every: 2s}]}\n"),
            "test.yaml:4:74: duplicate schedule entry 'a'");
  EXPECT_EQ(load_error(beat + "[{name: a, every: 1s, args: 3}]}\n"),
            "test.yaml:4:79: 'args' of schedule entry 'a' must be a list, got '3'");
  EXPECT_EQ(load_error(beat + "[]}\n"),
            "test.yaml:4:51: 'schedule' must be a non-empty list of entries or a map of entry name to entry, got a "
            "list");
  EXPECT_EQ(load_error(beat + "[{name: a, evry: 1s, every: 1s}]}\n"),
            "test.yaml:4:62: unknown key 'evry' in schedule entry 'a' (did you mean 'every'?)");
}

TEST(ScenarioServiceTest, a_beats_database_scheduler_is_a_postgres_service) {
  const std::string head = k_head + "  mq: {image: redis}\n  db: {image: postgres}\n  beat: {kind: celery-beat, "
                                    "broker: mq, schedule: {a: {every: 1s}}, scheduler: ";
  EXPECT_EQ(load_ok(head + "{database: db}}\n").services.back().scheduler_database, "db");
  EXPECT_EQ(load_ok(head + "file}\n").services.back().scheduler_database, "");
  EXPECT_EQ(load_error(head + "{database: mq}}\n"),
            "test.yaml:5:91: scheduler 'mq' of service 'beat' is a redis service (expected postgres)");
  EXPECT_EQ(load_error(head + "sql}\n"),
            "test.yaml:5:80: 'scheduler' must be 'file' or {database: SERVICE} (a postgres service), got 'sql'");
}

TEST(ScenarioServiceTest, a_schedule_is_a_beats_key_only) {
  EXPECT_EQ(load_error(k_head + "  mq: {image: redis, schedule: {a: {every: 1s}}}\n"),
            "test.yaml:3:22: 'schedule' applies only to celery-beat services ('mq' is a redis service)");
}

TEST(ScenarioServiceTest, a_prefix_claim_beats_a_substring_claim) {
  EXPECT_EQ(infer_kind("redis-worker"), ServiceKind::k_redis);
  EXPECT_EQ(infer_kind("rabbitmq-celery-worker"), ServiceKind::k_rabbitmq);
  EXPECT_EQ(infer_kind("celery-redis"), ServiceKind::k_celery_worker);
}

TEST(ScenarioServiceTest, each_kinds_own_keys_come_from_its_registration) {
  std::vector<std::string_view> own_keys;
  for (const auto& kind : service_kinds().all()) own_keys.insert(own_keys.end(), kind.keys.begin(), kind.keys.end());
  ASSERT_FALSE(own_keys.empty());
  for (const auto& kind : service_kinds().all()) {
    for (std::string_view key : own_keys) {
      if (std::find(kind.keys.begin(), kind.keys.end(), key) != kind.keys.end()) continue;
      std::string applies;
      const auto names = kinds_with_key(key);
      for (std::size_t i = 0; i < names.size(); ++i)
        applies += std::string(i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + std::string(names[i]);
      const std::string expected = "'" + std::string(key) + "' applies only to " + applies + " services ('s' is a " +
                                   std::string(kind.name) + " service)";
      const auto errors = testing::load_errors(k_head + "  s: {kind: " + std::string(kind.name) + ", " +
                                               std::string(key) + ": 1}\n");
      EXPECT_TRUE(std::any_of(errors.begin(), errors.end(),
                              [&](const std::string& e) { return e.find(expected) != std::string::npos; }))
          << kind.name << " " << key << ": " << ::testing::PrintToString(errors);
    }
  }
  EXPECT_EQ(kinds_with_key("replicas"), (std::vector<std::string_view>{"celery-beat", "celery-worker", "redis"}));
  EXPECT_EQ(kinds_with_key("database"), (std::vector<std::string_view>{"postgres"}));
  EXPECT_TRUE(kinds_with_key("image").empty());  // a common key
}

// A test's own registry: the real celery-worker and a celery-beat kind of the test's own.
ServiceKindRegistry registry_with_a_beat_kind() {
  ServiceKindRegistry kinds;
  (void)kinds.add(*service_kinds().find("celery-worker"));
  (void)kinds.add({.name = "celery-beat",
                   .id = static_cast<ServiceKind>(100),
                   .summary = "a test kind",
                   .image = {.prefixes = {"celery-beat"}, .contains = {"beat"}},
                   .keys = {"schedule", "broker_url"},
                   .data = false});
  return kinds;
}

std::vector<std::string> read_with(const ServiceKindRegistry& kinds, const std::string& text,
                                   std::vector<Service>& services) {
  YamlReader reader("test.yaml");
  const YAML::Node root = YAML::Load(text);
  MapView map(reader, root);
  services = read_services(reader, *map.find("services"), kinds);
  std::vector<std::string> errors;
  for (const auto& diagnostic : reader.take_diagnostics()) errors.push_back(diagnostic.to_string());
  return errors;
}

TEST(ScenarioServiceTest, a_kind_added_to_the_registry_is_known_to_the_reader) {
  const ServiceKindRegistry kinds = registry_with_a_beat_kind();
  std::vector<Service> services;
  EXPECT_EQ(read_with(kinds,
                      "services:\n  beat: {image: myorg/celery-beat:5, schedule: x, broker_url: x}\n"
                      "  worker: {image: celery, broker_url: x}\n  other: {kind: celery-beat}\n",
                      services),
            std::vector<std::string>{});
  ASSERT_EQ(services.size(), 3u);
  EXPECT_EQ(services[0].kind, static_cast<ServiceKind>(100));
  EXPECT_EQ(services[1].kind, ServiceKind::k_celery_worker);
  EXPECT_EQ(services[2].kind, static_cast<ServiceKind>(100));
  EXPECT_EQ(read_with(kinds, "services:\n  w: {kind: celery-worker, broker_url: x, schedule: x}\n  n: {}\n",
                      services),
            (std::vector<std::string>{
                "test.yaml:2:43: 'schedule' applies only to celery-beat services ('w' is a celery-worker service)",
                "test.yaml:3:3: service 'n' needs 'kind' (one of: celery-beat, celery-worker) or an image whose "
                "name implies it",
            }));
}

TEST(ScenarioServiceTest, kind_key_wins_over_the_image) {
  const Scenario s = load_ok(k_head + "  cache: {image: my/valkey-cache, kind: redis}\n");
  EXPECT_EQ(s.services[0].kind, ServiceKind::k_redis);
  EXPECT_EQ(s.services[0].image, "my/valkey-cache");
}

TEST(ScenarioServiceTest, kind_needed_when_the_image_does_not_imply_one) {
  EXPECT_EQ(load_error(k_head + "  web: {image: nginx}\n"),
            "test.yaml:3:3: service 'web' needs 'kind' (one of: celery-beat, celery-monitor, celery-worker, postgres, rabbitmq, redis) or an "
            "image whose name implies it");
  EXPECT_EQ(load_error(k_head + "  web: {}\n"),
            "test.yaml:3:3: service 'web' needs 'kind' (one of: celery-beat, celery-monitor, celery-worker, postgres, rabbitmq, redis) or an "
            "image whose name implies it");
}

TEST(ScenarioServiceTest, invalid_kind) {
  EXPECT_EQ(load_error(k_head + "  db: {kind: mysql}\n"),
            "test.yaml:3:14: invalid value 'mysql' for 'kind' (expected one of: celery-beat, celery-monitor, celery-worker, postgres, rabbitmq, "
            "redis)");
  EXPECT_EQ(load_error(k_head + "  db: {kind: [redis]}\n"),
            "test.yaml:3:14: 'kind' must be a string (one of: celery-beat, celery-monitor, celery-worker, postgres, rabbitmq, redis), got a list");
}

TEST(ScenarioServiceTest, invalid_service_name) {
  EXPECT_EQ(load_error(k_head + "  Broker: {image: rabbitmq}\n"),
            "test.yaml:3:3: invalid service name 'Broker' (expected lower-case letters, digits, '_' or '-', "
            "starting with a letter or digit)");
  EXPECT_EQ(load_error(k_head + "  _b: {image: rabbitmq}\n"),
            "test.yaml:3:3: invalid service name '_b' (expected lower-case letters, digits, '_' or '-', starting "
            "with a letter or digit)");
}

TEST(ScenarioServiceTest, service_must_be_a_map) {
  EXPECT_EQ(load_error(k_head + "  broker: rabbitmq\n"),
            "test.yaml:3:11: service 'broker' must be a map of settings (e.g. {image: rabbitmq}), got 'rabbitmq'");
  EXPECT_EQ(load_error(k_head + "  broker:\n"),
            "test.yaml:3:3: service 'broker' must be a map of settings (e.g. {image: rabbitmq}), got null");
}

TEST(ScenarioServiceTest, unknown_service_key) {
  EXPECT_EQ(load_error(k_head + "  broker: {image: rabbitmq, imgae: x}\n"),
            "test.yaml:3:29: unknown key 'imgae' in service 'broker' (did you mean 'image'?)");
  EXPECT_EQ(load_error(k_head + "  broker: {image: rabbitmq, ports: [5672]}\n"),
            "test.yaml:3:29: unknown key 'ports' in service 'broker' (expected one of: image, kind, role, healthcheck, "
            "restart, restart_on_unhealthy, backoff, backoff_scale, deploy, network, replicas, broker, broker_url, "
            "python, config, environment, schedule, scheduler, watch, backend, backend_url, command, app, concurrency, "
            "pool, queues, database, sentinels, down_after)");
}

TEST(ScenarioServiceTest, network_proxied_routes_the_service_through_the_proxy) {
  EXPECT_TRUE(load_ok(k_head + "  broker: {image: rabbitmq, network: proxied}\n").services.at(0).proxied);
  EXPECT_FALSE(load_ok(k_head + "  broker: {image: rabbitmq, network: direct}\n").services.at(0).proxied);
  EXPECT_FALSE(load_ok(k_head + "  broker: {image: rabbitmq}\n").services.at(0).proxied);
  EXPECT_EQ(load_error(k_head + "  broker: {image: rabbitmq, network: proxy}\n"),
            "test.yaml:3:38: invalid value 'proxy' for 'network' (expected one of: direct, proxied)");
}

TEST(ScenarioServiceTest, replicas_must_be_an_integer_at_least_one) {
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery, broker_url: x, replicas: two}\n"),
            "test.yaml:3:52: 'replicas' must be an integer >= 1, got 'two'");
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery, broker_url: x, replicas: 0}\n"),
            "test.yaml:3:52: 'replicas' must be an integer >= 1, got '0'");
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery, broker_url: x, replicas: 99999999999}\n"),
            "test.yaml:3:52: 'replicas' must be an integer >= 1, got '99999999999'");
}

TEST(ScenarioServiceTest, concurrency_must_be_an_integer_at_least_one) {
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery, broker_url: x, concurrency: 1.5}\n"),
            "test.yaml:3:55: 'concurrency' must be an integer >= 1, got '1.5'");
}

TEST(ScenarioServiceTest, worker_keys_only_on_workers) {
  EXPECT_EQ(load_errors(k_head + "  cache: {image: redis, replicas: 2, environment: {a: 1}}\n"),
            (std::vector<std::string>{
                "test.yaml:3:38: 'environment' applies only to celery-beat and celery-worker services ('cache' is a redis service)",
            }));
}

TEST(ScenarioServiceTest, database_only_on_postgres) {
  EXPECT_EQ(load_error(k_head + "  cache: {image: redis, database: x}\n"),
            "test.yaml:3:25: 'database' applies only to postgres services ('cache' is a redis service)");
}

TEST(ScenarioServiceTest, invalid_database_name) {
  EXPECT_EQ(load_error(k_head + "  db: {image: postgres, database: my-db}\n"),
            "test.yaml:3:35: invalid database name 'my-db' (expected letters, digits and '_', not starting with a "
            "digit)");
  EXPECT_EQ(load_ok(k_head + "  db: {image: postgres}\n").services[0].database, "celery");
}

TEST(ScenarioServiceTest, keys_a_data_service_would_ignore_are_rejected) {
  // The local driver starts RabbitMQ, Redis and PostgreSQL with its own command line and environment.
  EXPECT_EQ(load_errors(k_head + "  broker: {image: rabbitmq, command: x, environment: {A: b}}\n"
                                 "  cache: {image: redis, role: cache}\n"),
            (std::vector<std::string>{
                "test.yaml:3:29: 'command' applies only to celery-worker services ('broker' is a rabbitmq service)",
                "test.yaml:3:41: 'environment' applies only to celery-beat and celery-worker services ('broker' is a rabbitmq "
                "service)",
                "test.yaml:4:31: invalid value 'cache' for 'role' (expected one of: ledger)",
            }));
  // The default command's --concurrency; a command of the scenario's own says it itself.
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery, broker_url: x, command: celery worker, concurrency: 4}\n"),
            "test.yaml:3:66: 'concurrency' is not used with 'command' on service 'worker' (write --concurrency N in "
            "the command)");
}

TEST(ScenarioServiceTest, a_worker_pool_is_one_of_celerys_own_and_not_with_a_command) {
  EXPECT_EQ(load_ok(k_head + "  worker: {image: celery, broker_url: x, pool: solo}\n").services[0].pool, "solo");
  EXPECT_EQ(load_ok(k_head + "  worker: {image: celery, broker_url: x}\n").services[0].pool, "");
  EXPECT_EQ(load_errors(k_head + "  worker: {image: celery, broker_url: x, pool: gevnt}\n"
                                 "  other: {image: celery, broker_url: x, command: celery worker, pool: threads}\n"),
            (std::vector<std::string>{
                "test.yaml:3:48: invalid value 'gevnt' for 'pool' (expected one of: eventlet, gevent, prefork, solo, threads)",
                "test.yaml:4:65: 'pool' is not used with 'command' on service 'other' (write --pool NAME in the "
                "command)",
            }));
}

TEST(ScenarioServiceTest, ledger_role_needs_redis) {
  EXPECT_EQ(load_error(k_head + "  broker: {image: rabbitmq, role: ledger}\n"),
            "test.yaml:3:35: role 'ledger' requires a redis service ('broker' is a rabbitmq service)");
}

TEST(ScenarioServiceTest, worker_needs_a_broker) {
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery-worker}\n"),
            "test.yaml:3:3: celery-worker service 'worker' needs 'broker' (the name of a rabbitmq or redis "
            "service) or 'broker_url'");
  EXPECT_EQ(load_ok(k_head + "  worker: {image: celery-worker, broker_url: 'redis://x'}\n").services[0].broker_url,
            "redis://x");
}

TEST(ScenarioServiceTest, undefined_broker_suggests_a_close_name) {
  EXPECT_EQ(load_error(k_head + "  broker: {image: rabbitmq}\n  worker: {image: celery, broker: brokr}\n"),
            "test.yaml:4:35: service 'worker' refers to undefined broker 'brokr' (did you mean 'broker'?)");
}

TEST(ScenarioServiceTest, undefined_backend_without_a_close_name_lists_the_services) {
  EXPECT_EQ(load_error(k_head + "  mq: {image: rabbitmq}\n  worker: {image: celery, broker: mq, backend: results}\n"),
            "test.yaml:4:48: service 'worker' refers to undefined backend 'results' (defined services: mq, worker)");
}

TEST(ScenarioServiceTest, broker_must_be_rabbitmq_or_redis) {
  EXPECT_EQ(load_error(k_head + "  db: {image: postgres}\n  worker: {image: celery, broker: db}\n"),
            "test.yaml:4:35: broker 'db' of service 'worker' is a postgres service (expected rabbitmq or redis)");
}

TEST(ScenarioServiceTest, backend_must_be_postgres_or_redis) {
  EXPECT_EQ(load_error(k_head + "  mq: {image: rabbitmq}\n  worker: {image: celery, broker: mq, backend: mq}\n"),
            "test.yaml:4:48: backend 'mq' of service 'worker' is a rabbitmq service (expected postgres or redis)");
}

TEST(ScenarioServiceTest, references_may_point_forward) {
  const Scenario s =
      load_ok(k_head + "  worker: {image: celery, broker: cache, backend: cache}\n  cache: {image: redis}\n");
  EXPECT_EQ(s.services[0].broker, "cache");
  EXPECT_EQ(s.services[0].backend, "cache");
}

TEST(ScenarioServiceTest, config_converts_yaml_scalars_to_json_types) {
  const Scenario s = load_ok(k_head + R"(  worker:
    image: celery
    broker_url: x
    config:
      acks: true
      upper: False
      prefetch: 1
      negative: -3
      big: 18446744073709551615
      ratio: 0.25
      exp: 1e3
      quoted_bool: "true"
      quoted_int: '4'
      word: no
      nothing: ~
      list: [1, a, {b: 2.5}]
)");
  const nlohmann::json& config = s.services[0].config;
  EXPECT_EQ(config["acks"], true);
  EXPECT_EQ(config["upper"], false);
  EXPECT_TRUE(config["prefetch"].is_number_integer());
  EXPECT_EQ(config["prefetch"], 1);
  EXPECT_EQ(config["negative"], -3);
  EXPECT_EQ(config["big"], 18446744073709551615u);
  EXPECT_TRUE(config["ratio"].is_number_float());
  EXPECT_EQ(config["ratio"], 0.25);
  EXPECT_EQ(config["exp"], 1000.0);
  EXPECT_EQ(config["quoted_bool"], "true");
  EXPECT_EQ(config["quoted_int"], "4");
  EXPECT_EQ(config["word"], "no");  // YAML 1.2: only true/false are booleans
  EXPECT_TRUE(config["nothing"].is_null());
  EXPECT_EQ(config["list"], nlohmann::json::parse(R"([1, "a", {"b": 2.5}])"));
}

TEST(ScenarioServiceTest, config_keeps_numbers_json_cannot_hold_as_strings) {
  const Scenario s = load_ok(k_head + "  w: {image: celery, broker_url: x, config: {huge: 1e999, inf: .inf}}\n");
  EXPECT_EQ(s.services[0].config["huge"], "1e999");
  EXPECT_EQ(s.services[0].config["inf"], ".inf");
}

TEST(ScenarioServiceTest, config_nesting_is_bounded) {
  const std::string deep = std::string(70, '[') + "1" + std::string(70, ']');
  EXPECT_EQ(load_error(k_head + "  w: {image: celery, broker_url: x, config: {a: " + deep + "}}\n"),
            "test.yaml:3:113: 'config' is nested too deeply (more than 64 levels)");
}

TEST(ScenarioServiceTest, config_alias_expansion_is_bounded) {
  // "Billion laughs": each level repeats the one before ten times; 111,110 values in all.
  EXPECT_EQ(load_error(k_head + R"(  w:
    image: celery
    broker_url: x
    config:
      a: &a [x, x, x, x, x, x, x, x, x, x]
      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
      d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
      e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
)"),
            "test.yaml:7:41: 'config' is too large (more than 100000 values)");
}

TEST(ScenarioServiceTest, config_must_be_a_map) {
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery, broker_url: x, config: [a]}\n"),
            "test.yaml:3:50: 'config' must be a map of Celery settings, got a list");
}

TEST(ScenarioServiceTest, config_duplicate_keys) {
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery, broker_url: x, config: {a: {b: 1, b: 2}}}\n"),
            "test.yaml:3:61: duplicate key 'b' (first defined at line 3)");
}

TEST(ScenarioServiceTest, environment_as_map_or_list) {
  const Scenario s = load_ok(k_head +
                             "  a: {image: celery, broker_url: x, environment: {X: 1, Y: 'two', Z: ''}}\n"
                             "  b: {image: celery, broker_url: x, environment: [X=1, Y=a=b, Z=]}\n");
  EXPECT_EQ(s.services[0].environment, (std::map<std::string, std::string>{{"X", "1"}, {"Y", "two"}, {"Z", ""}}));
  EXPECT_EQ(s.services[1].environment, (std::map<std::string, std::string>{{"X", "1"}, {"Y", "a=b"}, {"Z", ""}}));
}

TEST(ScenarioServiceTest, environment_list_entries_must_be_key_value) {
  EXPECT_EQ(load_errors(k_head + "  a: {image: celery, broker_url: x, environment: [A=1, B, =c, A=2, 1X=3]}\n"),
            (std::vector<std::string>{
                "test.yaml:3:56: environment entry 'B' must be KEY=VALUE",
                "test.yaml:3:59: environment entry '=c' must be KEY=VALUE",
                "test.yaml:3:63: duplicate environment variable 'A' (first defined at line 3)",
                "test.yaml:3:68: invalid environment variable name '1X' (expected letters, digits and '_', not "
                "starting with a digit)",
            }));
}

TEST(ScenarioServiceTest, environment_map_values_must_be_strings) {
  EXPECT_EQ(load_errors(k_head + "  a: {image: celery, broker_url: x, environment: {A: [1], B: }}\n"),
            (std::vector<std::string>{
                "test.yaml:3:54: environment variable 'A' must be a string, got a list",
                "test.yaml:3:59: environment variable 'B' must be a string, got null",
            }));
  EXPECT_EQ(load_error(k_head + "  a: {image: celery, broker_url: x, environment: 5}\n"),
            "test.yaml:3:50: 'environment' must be a map of variables or a list of KEY=VALUE strings, got '5'");
}

TEST(ScenarioServiceTest, restart_policy) {
  const Scenario s = load_ok(k_head +
                             "  a: {image: redis, restart: no}\n  b: {image: redis, restart: false}\n"
                             "  c: {image: redis, restart: on-failure}\n");
  EXPECT_EQ(s.services[0].restart, "no");
  EXPECT_EQ(s.services[1].restart, "no");
  EXPECT_EQ(s.services[2].restart, "on-failure");
  EXPECT_EQ(load_error(k_head + "  a: {image: redis, restart: sometimes}\n"),
            "test.yaml:3:30: invalid value 'sometimes' for 'restart' (expected one of: no, on-failure, always, "
            "unless-stopped)");
}

TEST(ScenarioServiceTest, restart_on_unhealthy_must_be_a_bool) {
  EXPECT_EQ(load_error(k_head + "  a: {image: redis, restart_on_unhealthy: maybe}\n"),
            "test.yaml:3:43: 'restart_on_unhealthy' must be true or false, got 'maybe'");
  EXPECT_TRUE(load_ok(k_head + "  a: {image: redis, restart_on_unhealthy: yes, healthcheck: {test: x}}\n")
                  .services[0]
                  .restart_on_unhealthy);
}

TEST(ScenarioServiceTest, restart_on_unhealthy_needs_a_healthcheck) {
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery, broker_url: x, restart_on_unhealthy: true}\n"),
            "test.yaml:3:64: 'restart_on_unhealthy' needs a healthcheck on service 'worker'");
  EXPECT_EQ(load_error(k_head + "  a: {image: redis, restart_on_unhealthy: on, healthcheck: {disable: true}}\n"),
            "test.yaml:3:43: 'restart_on_unhealthy' needs a healthcheck on service 'a'");
  EXPECT_EQ(load_error(k_head + "  a: {image: redis, restart_on_unhealthy: on, healthcheck: {test: [NONE]}}\n"),
            "test.yaml:3:43: 'restart_on_unhealthy' needs a healthcheck on service 'a'");
  EXPECT_FALSE(load_ok(k_head + "  a: {image: redis, restart_on_unhealthy: false}\n").services[0].restart_on_unhealthy);
}

TEST(ScenarioServiceTest, an_invalid_healthcheck_is_not_also_reported_missing) {
  EXPECT_EQ(load_error(k_head + "  a: {image: redis, restart_on_unhealthy: true, healthcheck: {test: x, retries: 0}}\n"),
            "test.yaml:3:81: 'retries' must be an integer >= 1, got '0'");
}

TEST(ScenarioServiceTest, backoff) {
  const Scenario s = load_ok(k_head +
                             "  a: {image: redis}\n  b: {image: redis, backoff: kubernetes, backoff_scale: 0.1}\n"
                             "  c: {image: redis, backoff: docker, backoff_scale: 1}\n  d: {image: redis, backoff_scale: .5}\n");
  EXPECT_EQ(s.services[0].backoff, "docker");
  EXPECT_EQ(s.services[0].backoff_scale, 1.0);
  EXPECT_EQ(s.services[1].backoff, "kubernetes");
  EXPECT_EQ(s.services[1].backoff_scale, 0.1);
  EXPECT_EQ(s.services[2].backoff, "docker");
  EXPECT_EQ(s.services[2].backoff_scale, 1.0);
  EXPECT_EQ(s.services[3].backoff_scale, 0.5);
}

TEST(ScenarioServiceTest, backoff_values) {
  EXPECT_EQ(load_errors(k_head + "  a: {image: redis, backoff: swarm, backoff_scale: 0}\n"
                                 "  b: {image: redis, backoff_scale: 1.5}\n  c: {image: redis, backoff_scale: fast}\n"
                                 "  d: {image: redis, backoff_scale: -0.5}\n  e: {image: redis, backoff_scale: [1]}\n"),
            (std::vector<std::string>{
                "test.yaml:3:30: invalid value 'swarm' for 'backoff' (expected one of: docker, kubernetes)",
                "test.yaml:3:52: 'backoff_scale' must be a number greater than 0 and at most 1 (e.g. 0.1), got '0'",
                "test.yaml:4:36: 'backoff_scale' must be a number greater than 0 and at most 1 (e.g. 0.1), got '1.5'",
                "test.yaml:5:36: 'backoff_scale' must be a number greater than 0 and at most 1 (e.g. 0.1), got "
                "'fast'",
                "test.yaml:6:36: 'backoff_scale' must be a number greater than 0 and at most 1 (e.g. 0.1), got "
                "'-0.5'",
                "test.yaml:7:36: 'backoff_scale' must be a number greater than 0 and at most 1 (e.g. 0.1), got a "
                "list",
            }));
}

TEST(ScenarioServiceTest, empty_strings_are_rejected) {
  EXPECT_EQ(load_error(k_head + "  w: {image: celery, broker_url: x, command: ''}\n"),
            "test.yaml:3:46: 'command' must not be empty");
}


TEST(ScenarioServiceTest, redis_replicas_and_sentinels) {
  const auto s = load_ok(k_head + "  cache: {image: redis, replicas: 2, sentinels: 3, down_after: 1500ms}\n"
                                  "  plain: {image: redis}\n");
  EXPECT_EQ(s.services[0].redis_replicas, 2);
  EXPECT_EQ(s.services[0].sentinels, 3);
  EXPECT_EQ(s.services[0].down_after, std::chrono::milliseconds{1500});
  EXPECT_EQ(s.services[0].replicas, 1);  // a worker's instances: untouched
  EXPECT_EQ(s.services[1].redis_replicas, 0);
  EXPECT_EQ(s.services[1].sentinels, 0);
  EXPECT_EQ(s.services[1].down_after, std::chrono::milliseconds{2000});
}

TEST(ScenarioServiceTest, replicas_and_sentinels_only_where_they_mean_something) {
  EXPECT_EQ(load_errors(k_head + "  db: {image: postgres, replicas: 2, sentinels: 1, down_after: 1s}\n"),
            (std::vector<std::string>{
                "test.yaml:3:25: 'replicas' applies only to celery-beat, celery-worker and redis services ('db' is a postgres "
                "service)",
                "test.yaml:3:38: 'sentinels' applies only to redis services ('db' is a postgres service)",
                "test.yaml:3:52: 'down_after' applies only to redis services ('db' is a postgres service)",
            }));
}

TEST(ScenarioServiceTest, sentinels_need_a_replica_to_promote) {
  EXPECT_EQ(load_errors(k_head + "  cache: {image: redis, sentinels: 3}\n  c2: {image: redis, replicas: 0, down_after: 1s}\n"
                                 "  c3: {image: redis, replicas: 10, sentinels: 0}\n"),
            (std::vector<std::string>{
                "test.yaml:3:25: 'sentinels' of service 'cache' needs 'replicas' >= 1 (Sentinel promotes a replica)",
                "test.yaml:4:35: 'down_after' of service 'c2' needs 'sentinels'",
                "test.yaml:5:32: 'replicas' must be an integer from 0 to 9, got '10'",
                "test.yaml:5:47: 'sentinels' must be an integer from 1 to 9, got '0'",
            }));
}

TEST(ScenarioServiceTest, the_ledger_has_no_replicas) {
  EXPECT_EQ(load_error(k_head + "  ledger: {image: redis, role: ledger, replicas: 1}\n"),
            "test.yaml:3:32: role 'ledger' requires a redis service without replicas or sentinels (the harness's own "
            "record is never faulted)");
}

// list_service_kinds() (what `celery-chaos kinds` prints: the common keys and each kind's own) states the reader's
// rules: for every kind and key, a listed key is accepted on that kind and an unlisted one is reported as not
// applying to it.
TEST(ServiceKindKeys, lists_exactly_the_keys_the_reader_accepts_on_each_kind) {
  // A valid value for every service key (other problems they cause, such as a worker without a broker, are not
  // about the key applying).
  const std::map<std::string_view, std::string> values{
      {"image", "custom"},          {"kind", ""},                   {"replicas", "1"},
      {"role", "ledger"},           {"broker", "mq"},               {"backend", "results"},
      {"broker_url", "amqp://x"},   {"backend_url", "redis://x"},   {"command", "celery worker"},
      {"app", "tasks"},             {"python", "python3"},          {"concurrency", "1"},
      {"config", "{a: 1}"},         {"environment", "{A: b}"},      {"healthcheck", "{test: [CMD, 'true']}"},
      {"restart", "always"},        {"restart_on_unhealthy", "false"}, {"backoff", "docker"},
      {"backoff_scale", "0.5"},     {"database", "db"},             {"sentinels", "1"},
      {"down_after", "5s"},         {"network", "proxied"},         {"pool", "solo"},
      {"watch", "[mq]"}, {"schedule", "{a: {every: 1s}}"}, {"scheduler", "file"}, {"queues", "[celery]"},
      {"deploy", "{update_config: {order: start-first}}"}};
  const auto kinds = list_service_kinds();
  ASSERT_EQ(kinds.size(), 6u);
  for (auto kind : kinds) {
    kind.keys.insert(kind.keys.end(), k_common_service_keys.begin(), k_common_service_keys.end());
    for (std::string_view key : kind.keys) EXPECT_TRUE(values.count(key)) << "no test value for " << key;
    for (const auto& [key, value] : values) {
      if (key == "kind") continue;
      const std::string text = "name: t\nservices:\n  mq: {image: rabbitmq}\n  results: {image: redis}\n"
                               "  s: {kind: " + kind.name + ", " + std::string(key) + ": " + value +
                               "}\n";
      bool refused = false;
      // (`role: ledger` on another kind is refused for its value, "requires a redis service": the key applies.)
      for (const auto& error : load_errors(text)) refused |= error.find("applies only to") != std::string::npos;
      const bool listed = std::find(kind.keys.begin(), kind.keys.end(), key) != kind.keys.end();
      EXPECT_EQ(listed, !refused) << kind.name << " " << key;
    }
  }
}

}  // namespace
}  // namespace harness::scenario
