#include "harness/scenario/service_reader.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>

#include "harness/scenario/beat_schedule.h"
#include "harness/scenario/deploy_reader.h"
#include "harness/scenario/healthcheck_reader.h"
#include "harness/scenario/server_config.h"
#include "harness/scenario/service_kind.h"

namespace harness::scenario {

namespace {

// Every key a service may have: the common ones, then each kind's own (in the kinds' order, once each).
std::vector<std::string_view> service_keys(const ServiceKindRegistry& kinds) {
  std::vector<std::string_view> keys = k_common_service_keys;
  for (const auto& kind : kinds.all())
    for (std::string_view key : kind.keys)
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  return keys;
}

// "a", "a and b", "a, b and c" (or with "or").
std::string listed(const std::vector<std::string_view>& words, std::string_view last = " and ") {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i)
    out += std::string(i == 0 ? "" : i + 1 == words.size() ? last : ", ") + std::string(words[i]);
  return out;
}
std::string and_list(const std::vector<std::string_view>& words) { return listed(words); }
std::string or_list(const std::vector<std::string_view>& words) { return listed(words, " or "); }

// The kinds a worker's `broker:` or `backend:` (role) may name.
std::vector<std::string_view> kinds_serving(std::string_view role, const ServiceKindRegistry& kinds) {
  std::vector<std::string_view> names;
  for (const auto& kind : kinds.all())
    if (std::find(kind.serves.begin(), kind.serves.end(), role) != kind.serves.end()) names.push_back(kind.name);
  return names;
}

// `role:` values: only the ledger is a role (the harness's own record).
const std::vector<std::string_view> k_roles{"ledger"};
const std::vector<std::string_view> k_restart_policies{"no", "on-failure", "always", "unless-stopped"};
const std::vector<std::string_view> k_backoffs{"docker", "kubernetes"};
const std::vector<std::string_view> k_network_modes{"direct", "proxied"};

bool matches(const std::string& s, const char* pattern) { return std::regex_match(s, std::regex(pattern)); }

// `backoff_scale`: a plain decimal number in (0, 1].
std::optional<double> read_backoff_scale(YamlReader& reader, const MapEntry& entry) {
  static const std::regex k_number(R"([+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (entry.value.IsScalar() && std::regex_match(entry.value.Scalar(), k_number)) {
    const double value = std::strtod(entry.value.Scalar().c_str(), nullptr);
    if (value > 0 && value <= 1) return value;
  }
  reader.error(entry.location, "'backoff_scale' must be a number greater than 0 and at most 1 (e.g. 0.1), got " +
                                   describe(entry.value));
  return std::nullopt;
}

// A worker's `broker:` or `backend:`, resolved once every service has been read.
struct Reference {
  std::size_t service;
  std::string_view role;  // "broker" or "backend"
  std::string name;
  SourceLocation location;
};

struct ReadService {
  Service service;
  const ServiceKindInfo* kind = nullptr;  // nullptr: unknown (reported)
};


// Reports each key of `map` that applies only to other kinds than `kind`:
// "'database' applies only to postgres services ('cache' is a redis service)".
void report_keys_of_other_kinds(YamlReader& reader, const MapView& map, const ServiceKindInfo& kind,
                                const Service& service, const ServiceKindRegistry& kinds) {
  const std::string is_a = " (" + quote(service.name) + " is a " + std::string(kind.name) + " service)";
  for (const auto& e : map.entries()) {
    const std::vector<std::string_view> applies = kinds_with_key(e.key, kinds);
    if (applies.empty() || std::find(applies.begin(), applies.end(), kind.name) != applies.end()) continue;
    reader.error(e.key_location, quote(e.key) + " applies only to " + and_list(applies) + " services" + is_a);
  }
}

// The kind of the service: `kind:`, else the one its image implies; nullptr after reporting neither.
const ServiceKindInfo* read_kind(YamlReader& reader, const MapView& map, const Service& service,
                                 const std::string& context, const ServiceKindRegistry& kinds) {
  if (const MapEntry* kind = map.find("kind")) {
    const auto value = read_choice(reader, *kind, kinds.names());
    return value ? kinds.find(*value) : nullptr;
  }
  if (auto inferred = infer_kind(service.image, kinds)) return find_service_kind(*inferred, kinds);
  reader.error(service.location, context + " needs 'kind' (one of: " + join(kinds.names()) +
                                     ") or an image whose name implies it");
  return nullptr;
}

// The service's kind (`kind:`, else implied by `image:`), and the image itself. Read before the other keys: which
// of them are allowed depends on the kind, and keys of other kinds are reported here. Leaves `out.kind` nullptr
// when the kind is unknown (reported).
void read_image_and_kind(YamlReader& reader, const MapView& map, ReadService& out, const std::string& context,
                         const ServiceKindRegistry& kinds) {
  Service& service = out.service;
  if (const MapEntry* image = map.find("image"))
    if (auto value = read_nonempty_string(reader, *image)) service.image = *value;
  out.kind = read_kind(reader, map, service, context, kinds);
  if (out.kind) {
    service.kind = out.kind->id;
    report_keys_of_other_kinds(reader, map, *out.kind, service, kinds);
  }
}

// `replicas`, and a Redis's `sentinels` and `down_after`. `replicas` means a worker's instances (>= 1) but a Redis's
// read replicas besides the master (>= 0); `sentinels` needs replicas, `down_after` needs sentinels, so the order
// of reading matters. `redis`: the service is known to be a Redis (the Sentinel keys are ignored otherwise, having
// been reported as keys of another kind).
void read_replicas_and_sentinels(YamlReader& reader, const MapView& map, Service& service, bool redis) {
  if (const MapEntry* e = map.find("replicas")) {
    if (auto value = read_int(reader, *e, redis ? 0 : 1, redis ? 9 : std::numeric_limits<int>::max()))
      (redis ? service.redis_replicas : service.replicas) = static_cast<int>(*value);
  }
  if (const MapEntry* e = map.find("sentinels"); e && redis) {
    if (auto value = read_int(reader, *e, 1, 9)) {
      service.sentinels = static_cast<int>(*value);
      if (service.redis_replicas < 1)
        reader.error(e->key_location, "'sentinels' of service " + quote(service.name) +
                                          " needs 'replicas' >= 1 (Sentinel promotes a replica)");
    }
  }
  if (const MapEntry* e = map.find("down_after"); e && redis) {
    if (auto value = read_duration(reader, *e)) {
      service.down_after = *value;
      if (service.sentinels == 0)
        reader.error(e->key_location, "'down_after' of service " + quote(service.name) + " needs 'sentinels'");
    }
  }
}

// `role:`. The ledger (the harness's own record) must be a plain Redis: never faulted, so no replicas or
// sentinels. Read after the Sentinel keys, which it checks. `kind`: nullptr when unknown (then not checked).
void read_role(YamlReader& reader, const MapView& map, Service& service, const ServiceKindInfo* kind) {
  const MapEntry* e = map.find("role");
  if (!e) return;
  auto value = read_choice(reader, *e, k_roles);
  if (!value) return;
  service.role = *value;
  if (service.role == "ledger" && kind && service.kind != ServiceKind::k_redis)
    reader.error(e->location, "role 'ledger' requires a redis service (" + quote(service.name) + " is a " +
                                  std::string(kind->name) + " service)");
  else if (service.role == "ledger" && (service.redis_replicas > 0 || service.sentinels > 0))
    reader.error(e->location, "role 'ledger' requires a redis service without replicas or sentinels (the "
                              "harness's own record is never faulted)");
}

// A worker's `broker:` and `backend:` (names of other services), recorded in `references` to be resolved once every
// service has been read; `index` is this service's.
void read_broker_and_backend(YamlReader& reader, const MapView& map, Service& service,
                             std::vector<Reference>& references, std::size_t index) {
  for (std::string_view role : {"broker", "backend"}) {
    if (const MapEntry* e = map.find(role)) {
      if (auto value = read_nonempty_string(reader, *e)) {
        (role == "broker" ? service.broker : service.backend) = *value;
        references.push_back(Reference{index, role, *value, e->location});
      }
    }
  }
}

// A celery-monitor's `watch:` (a list of celery-worker service names), recorded in `references` (role "watch") to
// be resolved once every service has been read (resolve_watch).
void read_watch(YamlReader& reader, const MapView& map, Service& service, std::vector<Reference>& references,
                std::size_t index) {
  const MapEntry* e = map.find("watch");
  if (!e) return;
  if (!e->value.IsSequence() || e->value.size() == 0) {
    reader.error(e->location, "'watch' must be a list of celery-worker service names (e.g. [worker]), got " +
                                  describe(e->value));
    return;
  }
  for (const auto& item : e->value) {
    const SourceLocation at = reader.location(item);
    if (!item.IsScalar() || item.Scalar().empty()) {
      reader.error(at, "'watch' entries must be service names, got " + describe(item));
      continue;
    }
    service.watch.push_back(item.Scalar());
    references.push_back(Reference{index, "watch", item.Scalar(), at});
  }
}

// A beat's `scheduler:`: `file` (the default), or `{database: SERVICE}` (django-celery-beat's DatabaseScheduler on a
// postgres service, resolved with the other references).
void read_beat_scheduler(YamlReader& reader, const MapEntry& entry, Service& service,
                         std::vector<Reference>& references, std::size_t index) {
  if (entry.value.IsScalar() && entry.value.Scalar() == "file") return;
  if (!entry.value.IsMap()) {
    reader.error(entry.location, "'scheduler' must be 'file' or {database: SERVICE} (a postgres service), got " +
                                     describe(entry.value));
    return;
  }
  MapView map(reader, entry.value);
  map.report_unknown_keys(reader, {"database"}, "scheduler");
  const MapEntry* database = map.require(reader, "database", "scheduler");
  if (!database) return;
  if (auto name = read_nonempty_string(reader, *database)) {
    service.scheduler_database = *name;
    references.push_back(Reference{index, "scheduler", *name, database->location});
  }
}

// How a worker is started: its URLs, command, python, app, concurrency, Celery config and environment.
// `celery_config`: `config:` is Celery settings (not a kind whose server reads it: read_server_settings).
void read_worker_setup(YamlReader& reader, const MapView& map, Service& service, bool celery_config) {
  // A worker's command, URLs and environment are expanded when the workers are created (PlaceholderScope).
  const auto optional_string = [&](std::string_view key, std::optional<std::string>& field) {
    if (const MapEntry* e = map.find(key)) {
      if (auto value = read_nonempty_string(reader, *e)) field = *value;
      reader.note_placeholders(e->value, PlaceholderScope::k_worker_setup);
    }
  };
  optional_string("broker_url", service.broker_url);
  optional_string("backend_url", service.backend_url);
  optional_string("command", service.command);
  optional_string("python", service.python);
  if (const MapEntry* e = map.find("app"))
    if (auto value = read_nonempty_string(reader, *e)) service.app = *value;
  if (const MapEntry* e = map.find("concurrency")) {
    if (auto value = read_int(reader, *e, 1)) service.concurrency = static_cast<int>(*value);
    // Only the default command has --concurrency; a scenario's own command says it itself.
    if (map.find("command"))
      reader.error(e->key_location, "'concurrency' is not used with 'command' on service " + quote(service.name) +
                                        " (write --concurrency N in the command)");
  }
  if (const MapEntry* e = map.find("pool")) {
    // The execution pools of Celery's own (gevent and eventlet need packages the set-up does not install).
    if (auto value = read_choice(reader, *e, {"eventlet", "gevent", "prefork", "solo", "threads"})) service.pool = *value;
    if (map.find("command"))
      reader.error(e->key_location, "'pool' is not used with 'command' on service " + quote(service.name) +
                                        " (write --pool NAME in the command)");
  }
  if (const MapEntry* e = map.find("queues")) {
    // -Q of the default command; the loader checks each name against the scenario's `queues:`.
    if (auto value = read_string_list(reader, *e, true)) {
      if (value->empty())
        reader.error(e->location, "'queues' of service " + quote(service.name) + " must name at least one queue");
      service.queues = std::move(*value);
      service.queues_location = e->location;
    }
    if (map.find("command"))
      reader.error(e->key_location, "'queues' is not used with 'command' on service " + quote(service.name) +
                                        " (write -Q NAMES in the command)");
  }
  if (const MapEntry* e = map.find("config"); e && celery_config) {
    if (!e->value.IsMap())
      reader.error(e->location, "'config' must be a map of Celery settings, got " + describe(e->value));
    else if (auto value = read_json(reader, e->value, "config"))
      service.config = std::move(*value);
  }
  if (const MapEntry* e = map.find("environment")) {
    if (auto value = read_environment(reader, *e)) service.environment = std::move(*value);
    reader.note_placeholders(e->value, PlaceholderScope::k_worker_setup);
  }
}

// `config:` of a kind whose server reads it as its own settings (rabbitmq.conf keys, redis.conf directives,
// PostgreSQL parameters); a worker's is read with its setup. `kind`: nullptr when unknown (then not read).
void read_server_settings(YamlReader& reader, const MapView& map, Service& service, const ServiceKindInfo* kind) {
  const MapEntry* e = map.find("config");
  if (!e || !kind || !kind->server_config) return;
  if (auto settings = read_server_config(reader, *e, *kind->server_config, service.name))
    service.server_config = std::move(*settings);
}

// `healthcheck:`. Always sets one when the key is there, a failing stand-in if it is bad (see below).
void read_service_healthcheck(YamlReader& reader, const MapView& map, Service& service) {
  const MapEntry* e = map.find("healthcheck");
  if (!e) return;
  reader.note_placeholders(e->value, PlaceholderScope::k_run);  // probes expand their test as they run
  service.healthcheck = read_healthcheck(reader, *e, service.name);
  if (!service.healthcheck) {
    // Reported already. A stand-in, so that what needs a healthcheck (restart_on_unhealthy, `wait: {healthy}`,
    // health checks) does not report its absence too; the scenario is rejected anyway.
    service.healthcheck = HealthCheck{};
    service.healthcheck->test = {"CMD-SHELL", "false"};
    service.healthcheck->location = e->key_location;
  }
}

// `restart`, `restart_on_unhealthy`, `backoff` and `backoff_scale`. Read after the healthcheck, which
// `restart_on_unhealthy` needs.
void read_restart_policy(YamlReader& reader, const MapView& map, Service& service) {
  if (const MapEntry* e = map.find("restart")) {
    // YAML 1.1 reads a bare `no` as false; Compose files write `restart: no` meaning the policy "no".
    if (e->value.IsScalar() && e->value.Scalar() == "false")
      service.restart = "no";
    else if (auto value = read_choice(reader, *e, k_restart_policies))
      service.restart = *value;
  }
  if (const MapEntry* e = map.find("restart_on_unhealthy")) {
    if (auto value = read_bool(reader, *e)) {
      service.restart_on_unhealthy = *value;
      if (*value && !has_healthcheck(service))
        reader.error(e->location, "'restart_on_unhealthy' needs a healthcheck on service " + quote(service.name));
    }
  }
  if (const MapEntry* e = map.find("backoff"))
    if (auto value = read_choice(reader, *e, k_backoffs)) service.backoff = *value;
  if (const MapEntry* e = map.find("backoff_scale"))
    if (auto value = read_backoff_scale(reader, *e)) service.backoff_scale = *value;
  if (const MapEntry* e = map.find("network"))
    if (auto value = read_choice(reader, *e, k_network_modes)) service.proxied = *value == "proxied";
}

// Where `key` of the map `node` stands: its first definition's key, as MapView reads it (the map's own location when
// it is absent).
SourceLocation key_location(const YamlReader& reader, const YAML::Node& node, std::string_view key) {
  for (auto it = node.begin(); it != node.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return reader.location(it->first);
  return reader.location(node);
}

// The kinds whose `replicas:` counts identical instances (ServiceKindInfo::replicated), by name.
std::vector<std::string_view> replicated_kinds(const ServiceKindRegistry& kinds) {
  std::vector<std::string_view> names;
  for (const auto& kind : kinds.all())
    if (kind.replicated) names.push_back(kind.name);
  return names;
}

// `deploy.replicas` is Compose's word for `replicas:`, so it sets the service's: only on a replicated kind, and not
// beside a `replicas:` of another number (reported at the later of the two). A bad `replicas:` was reported already.
void apply_deploy_replicas(YamlReader& reader, const MapView& map, const MapEntry& deploy, Service& service,
                           const ServiceKindInfo& kind, const ServiceKindRegistry& kinds) {
  const int replicas = *service.deploy->replicas;
  const SourceLocation at = key_location(reader, deploy.value, "replicas");
  if (!kind.replicated) {
    std::string message = "'deploy.replicas' applies only to " + and_list(replicated_kinds(kinds)) + " services (" +
                          quote(service.name) + " is a " + std::string(kind.name) + " service";
    if (std::find(kind.keys.begin(), kind.keys.end(), "replicas") != kind.keys.end())
      message += "; its own 'replicas' means something else";
    reader.error(at, message + ")");
    return;
  }
  if (const MapEntry* e = map.find("replicas")) {
    const auto given = e->value.IsScalar() ? parse_integer<std::int64_t>(e->value.Scalar()) : std::nullopt;
    if (!given || *given < 1 || *given > std::numeric_limits<int>::max()) return;
    if (*given != replicas) {
      reader.error(is_before(e->key_location, at) ? at : e->key_location,
                   "'replicas: " + std::to_string(*given) + "' and 'deploy.replicas: " + std::to_string(replicas) +
                       "' of service " + quote(service.name) + " differ (expected one of them, or the same number)");
      return;
    }
  }
  service.replicas = replicas;
}

// `deploy:` (deploy_reader.h): kept for the swarm driver; its `replicas` is the service's. `kind`: nullptr when
// unknown (then deploy.replicas is not checked against it). Read after `replicas:`.
void read_service_deploy(YamlReader& reader, const MapView& map, Service& service, const ServiceKindInfo* kind,
                         const ServiceKindRegistry& kinds) {
  const MapEntry* e = map.find("deploy");
  if (!e) return;
  service.deploy = read_deploy(reader, *e, service.name);
  if (service.deploy && service.deploy->replicas && kind)
    apply_deploy_replicas(reader, map, *e, service, *kind, kinds);
}

// `database:` (a Postgres database name): an identifier.
void read_database(YamlReader& reader, const MapView& map, Service& service) {
  const MapEntry* e = map.find("database");
  if (!e) return;
  if (auto value = read_string(reader, *e)) {
    if (matches(*value, "[A-Za-z_][A-Za-z0-9_]*"))
      service.database = *value;
    else
      reader.error(e->location, "invalid database name " + quote(*value) +
                                    " (expected letters, digits and '_', not starting with a digit)");
  }
}

// Reads one service's settings into `out`; references to other services go to `references`. The order of the
// steps is the order of the errors reported, and some steps check what earlier ones read.
void read_service(YamlReader& reader, const MapEntry& entry, ReadService& out, std::vector<Reference>& references,
                  std::size_t index, const ServiceKindRegistry& kinds) {
  Service& service = out.service;
  const std::string context = "service " + quote(service.name);
  if (!entry.value.IsMap()) {
    reader.error(entry.location,
                 context + " must be a map of settings (e.g. {image: rabbitmq}), got " + describe(entry.value));
    return;
  }
  MapView map(reader, entry.value);
  map.report_unknown_keys(reader, service_keys(kinds), context);

  read_image_and_kind(reader, map, out, context, kinds);
  read_replicas_and_sentinels(reader, map, service, out.kind && service.kind == ServiceKind::k_redis);
  read_role(reader, map, service, out.kind);
  read_broker_and_backend(reader, map, service, references, index);
  read_watch(reader, map, service, references, index);
  read_worker_setup(reader, map, service, !(out.kind && out.kind->server_config));
  read_server_settings(reader, map, service, out.kind);
  read_service_healthcheck(reader, map, service);
  read_restart_policy(reader, map, service);
  read_service_deploy(reader, map, service, out.kind, kinds);
  read_database(reader, map, service);
  if (const MapEntry* e = map.find("schedule"); e && out.kind && service.kind == ServiceKind::k_celery_beat)
    if (auto value = read_beat_schedule(reader, *e)) service.schedule = std::move(*value);
  if (const MapEntry* e = map.find("scheduler"); e && out.kind && service.kind == ServiceKind::k_celery_beat)
    read_beat_scheduler(reader, *e, service, references, index);

  const bool celery_client = service.kind == ServiceKind::k_celery_worker ||
                             service.kind == ServiceKind::k_celery_monitor ||
                             service.kind == ServiceKind::k_celery_beat;
  if (out.kind && celery_client && !map.find("broker") && !map.find("broker_url")) {
    reader.error(service.location, std::string(out.kind->name) + " " + context + " needs 'broker' (the name of a " +
                                       or_list(kinds_serving("broker", kinds)) + " service) or 'broker_url'");
  }
  if (out.kind && service.kind == ServiceKind::k_celery_beat && !map.find("schedule"))
    reader.error(service.location, "celery-beat " + context + " needs 'schedule' (the entries it sends)");
}

// A monitor's `watch:` reference: a celery-worker service. False after reporting.
bool resolve_watched(YamlReader& reader, const std::vector<Service>& services, const Reference& ref) {
  const Service& from = services[ref.service];
  const Service* target = resolve_service(reader, services, ref.name, ref.location, "service " + quote(from.name));
  if (!target) return false;
  if (target->kind != ServiceKind::k_celery_worker) {
    reader.error(ref.location, "watch " + quote(target->name) + " of service " + quote(from.name) + " is a " +
                                   to_string(target->kind) + " service (expected celery-worker)");
    return false;
  }
  return true;
}

// Each celery-monitor without `watch:` watches every celery-worker on its broker (the same `broker:`, or the same
// `broker_url:`); one that watches none is reported: it would have nothing to show.
void default_watch(YamlReader& reader, std::vector<Service>& services) {
  for (auto& monitor : services) {
    if (monitor.kind != ServiceKind::k_celery_monitor || !monitor.watch.empty()) continue;
    if (monitor.broker.empty() && !monitor.broker_url) continue;  // reported: it needs a broker
    for (const auto& worker : services) {
      if (worker.kind != ServiceKind::k_celery_worker) continue;
      const bool same_broker = monitor.broker_url ? worker.broker_url == monitor.broker_url
                                                  : !monitor.broker.empty() && worker.broker == monitor.broker;
      if (same_broker) monitor.watch.push_back(worker.name);
    }
    if (monitor.watch.empty())
      reader.error(monitor.location, "celery-monitor service " + quote(monitor.name) +
                                         " watches no celery-worker: none is on its broker (add `watch: [NAME]`)");
  }
}

}  // namespace

std::optional<std::map<std::string, std::string>> read_environment(YamlReader& reader, const MapEntry& entry) {
  std::map<std::string, std::string> environment;
  std::map<std::string, SourceLocation> defined_at;
  bool ok = true;
  const auto add = [&](const std::string& name, std::string value, const SourceLocation& at) {
    if (!matches(name, "[A-Za-z_][A-Za-z0-9_]*")) {
      reader.error(at, "invalid environment variable name " + quote(name) +
                           " (expected letters, digits and '_', not starting with a digit)");
      ok = false;
    } else if (environment.count(name)) {
      reader.error(at, "duplicate environment variable " + quote(name) + " (first defined at line " +
                           std::to_string(defined_at[name].line) + ")");
      ok = false;
    } else {
      environment[name] = std::move(value);
      defined_at[name] = at;
    }
  };

  if (entry.value.IsMap()) {
    MapView map(reader, entry.value);
    for (const auto& variable : map.entries()) {
      if (variable.value.IsScalar()) {
        add(variable.key, variable.value.Scalar(), variable.key_location);
      } else {
        reader.error(variable.location, "environment variable " + quote(variable.key) + " must be a string, got " +
                                            describe(variable.value));
        ok = false;
      }
    }
  } else if (entry.value.IsSequence()) {
    for (const auto& item : entry.value) {
      const std::size_t equals = item.IsScalar() ? item.Scalar().find('=') : std::string::npos;
      if (equals == std::string::npos || equals == 0) {
        reader.error(item.IsNull() ? entry.location : reader.location(item),
                     "environment entry " + describe(item) + " must be KEY=VALUE");
        ok = false;
        continue;
      }
      add(item.Scalar().substr(0, equals), item.Scalar().substr(equals + 1), reader.location(item));
    }
  } else {
    reader.error(entry.location, "'environment' must be a map of variables or a list of KEY=VALUE strings, got " +
                                     describe(entry.value));
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return environment;
}

std::optional<ServiceKind> infer_kind(std::string_view image, const ServiceKindRegistry& kinds) {
  if (const auto slash = image.rfind('/'); slash != std::string_view::npos) image.remove_prefix(slash + 1);
  if (const auto at = image.find('@'); at != std::string_view::npos) image = image.substr(0, at);
  if (const auto colon = image.find(':'); colon != std::string_view::npos) image = image.substr(0, colon);
  const auto contains_any = [&](const std::vector<std::string_view>& words) {
    return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return image.find(w) != image.npos; });
  };
  // 2: a prefix claims it, 1: a substring does; the strongest claim wins, and two equal claims imply nothing.
  int best = 0;
  std::optional<ServiceKind> claimed;
  for (const auto& kind : kinds.all()) {
    if (image.empty() || contains_any(kind.image.never)) continue;
    const bool prefix = std::any_of(kind.image.prefixes.begin(), kind.image.prefixes.end(),
                                    [&](std::string_view p) { return image.starts_with(p); });
    const int strength = prefix ? 2 : contains_any(kind.image.contains) ? 1 : 0;
    if (strength > best) {
      best = strength;
      claimed = kind.id;
    } else if (strength == best && strength > 0) {
      claimed.reset();
    }
  }
  return claimed;
}

bool has_healthcheck(const Service& service) {
  return service.healthcheck && !service.healthcheck->test.empty() && service.healthcheck->test.front() != "NONE";
}

bool is_orchestrated(const Service& service) {
  return service.restart != "no" || service.restart_on_unhealthy || service.deploy.has_value();
}

const Service* resolve_service(YamlReader& reader, const std::vector<Service>& services, const std::string& name,
                               const SourceLocation& at, std::string_view referrer, std::string_view noun) {
  std::vector<std::string> names;
  for (const auto& service : services) {
    if (service.name == name) return &service;
    names.push_back(service.name);
  }
  std::string message = std::string(referrer) + " refers to undefined " + std::string(noun) + " " + quote(name);
  if (auto suggestion = closest_match(name, names))
    message += " (did you mean " + quote(*suggestion) + "?)";
  else
    message += " (defined services: " + join(names) + ")";
  reader.error(at, std::move(message));
  return nullptr;
}

std::vector<Service> read_services(YamlReader& reader, const MapEntry& entry, const ServiceKindRegistry& kinds) {
  if (!entry.value.IsMap()) {
    reader.error(entry.location, "'services' must be a map of service name to service, got " + describe(entry.value));
    return {};
  }
  MapView map(reader, entry.value);
  if (map.entries().empty()) {
    reader.error(entry.location, "'services' must define at least one service");
    return {};
  }

  std::vector<ReadService> read;
  std::vector<Reference> references;
  for (const auto& service_entry : map.entries()) {
    if (!matches(service_entry.key, "[a-z0-9][a-z0-9_-]*")) {
      reader.error(service_entry.key_location,
                   "invalid service name " + quote(service_entry.key) +
                       " (expected lower-case letters, digits, '_' or '-', starting with a letter or digit)");
      continue;
    }
    ReadService& r = read.emplace_back();
    r.service.name = service_entry.key;
    r.service.location = service_entry.key_location;
    read_service(reader, service_entry, r, references, read.size() - 1, kinds);
  }

  std::vector<Service> services;
  for (auto& r : read) services.push_back(std::move(r.service));

  for (const auto& ref : references) {
    if (ref.role == "watch") {
      resolve_watched(reader, services, ref);
      continue;
    }
    const Service& from = services[ref.service];
    const Service* target =
        resolve_service(reader, services, ref.name, ref.location, "service " + quote(from.name), ref.role);
    if (!target) continue;
    const ServiceKindInfo* kind = read[static_cast<std::size_t>(target - services.data())].kind;
    if (!kind) continue;
    if (std::find(kind->serves.begin(), kind->serves.end(), ref.role) == kind->serves.end()) {
      reader.error(ref.location, std::string(ref.role) + " " + quote(target->name) + " of service " + quote(from.name) +
                                     " is a " + std::string(kind->name) + " service (expected " +
                                     or_list(kinds_serving(ref.role, kinds)) + ")");
    }
  }
  default_watch(reader, services);
  return services;
}

const Service* read_service_of_kind(YamlReader& reader, const MapView& map, std::string_view key,
                                    const std::vector<Service>* services, std::optional<ServiceKind> kind,
                                    const std::string& context, std::string& field, bool& ok) {
  const MapEntry* e = map.require(reader, key, context);
  auto name = e ? read_nonempty_string(reader, *e) : std::nullopt;
  if (!name) {
    ok = false;
    return nullptr;
  }
  field = *name;
  if (!services) return nullptr;
  const Service* service = resolve_service(reader, *services, *name, e->location, context, key);
  if (service && kind && service->kind != *kind) {
    reader.error(e->location, std::string(key) + " " + quote(*name) + " of " + context + " is a " +
                                  to_string(service->kind) + " service (expected " + to_string(*kind) + ")");
    service = nullptr;
  }
  if (!service) ok = false;
  return service;
}

}  // namespace harness::scenario
