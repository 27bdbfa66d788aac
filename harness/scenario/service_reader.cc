#include "harness/scenario/service_reader.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>

#include "harness/scenario/healthcheck_reader.h"

namespace harness::scenario {

namespace {

// clang-format off
const std::vector<std::string_view> k_service_keys{
    "image", "kind", "replicas", "role", "broker", "backend", "broker_url", "backend_url", "command", "app", "python",
    "concurrency", "config", "environment", "healthcheck", "restart", "restart_on_unhealthy", "backoff",
    "backoff_scale", "database", "sentinels", "down_after"};
// clang-format on
const std::vector<std::string_view> k_kinds{"rabbitmq", "redis", "postgres", "celery-worker"};
// Keys that configure a Celery worker; an error on other kinds rather than silently ignored (the local driver
// starts RabbitMQ, Redis and PostgreSQL with its own command line and environment: `command:` and `environment:`
// would do nothing there).
const std::vector<std::string_view> k_worker_only_keys{"broker", "backend",     "broker_url", "backend_url", "app",
                                                       "python", "concurrency", "config",     "command",     "environment"};
// `role:` values: only the ledger is a role (the harness's own record).
const std::vector<std::string_view> k_roles{"ledger"};
const std::vector<std::string_view> k_restart_policies{"no", "on-failure", "always", "unless-stopped"};
const std::vector<std::string_view> k_backoffs{"docker", "kubernetes"};

bool matches(const std::string& s, const char* pattern) { return std::regex_match(s, std::regex(pattern)); }

std::optional<ServiceKind> kind_from_string(std::string_view s) {
  if (s == "rabbitmq") return ServiceKind::k_rabbitmq;
  if (s == "redis") return ServiceKind::k_redis;
  if (s == "postgres") return ServiceKind::k_postgres;
  if (s == "celery-worker") return ServiceKind::k_celery_worker;
  return std::nullopt;
}

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
  bool kind_known = false;
};

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

// Reads one service's settings into `out`; references to other services go to `references`.
void read_service(YamlReader& reader, const MapEntry& entry, ReadService& out, std::vector<Reference>& references,
                  std::size_t index) {
  Service& service = out.service;
  const std::string context = "service " + quote(service.name);
  if (!entry.value.IsMap()) {
    reader.error(entry.location,
                 context + " must be a map of settings (e.g. {image: rabbitmq}), got " + describe(entry.value));
    return;
  }
  MapView map(reader, entry.value);
  map.report_unknown_keys(reader, k_service_keys, context);

  // The kind first: which other keys are allowed depends on it.
  if (const MapEntry* image = map.find("image"))
    if (auto value = read_nonempty_string(reader, *image)) service.image = *value;
  if (const MapEntry* kind = map.find("kind")) {
    if (auto value = read_choice(reader, *kind, k_kinds)) {
      service.kind = *kind_from_string(*value);
      out.kind_known = true;
    }
  } else if (auto inferred = infer_kind(service.image)) {
    service.kind = *inferred;
    out.kind_known = true;
  } else {
    reader.error(service.location, context +
                                       " needs 'kind' (one of: rabbitmq, redis, postgres, celery-worker) or an "
                                       "image whose name implies it");
  }
  if (out.kind_known) {
    const bool worker = service.kind == ServiceKind::k_celery_worker;
    const std::string is_a = " (" + quote(service.name) + " is a " + to_string(service.kind) + " service)";
    for (const auto& e : map.entries()) {
      const bool worker_only =
          std::find(k_worker_only_keys.begin(), k_worker_only_keys.end(), e.key) != k_worker_only_keys.end();
      if (worker_only && !worker)
        reader.error(e.key_location, quote(e.key) + " applies only to celery-worker services" + is_a);
      if (e.key == "database" && service.kind != ServiceKind::k_postgres)
        reader.error(e.key_location, "'database' applies only to postgres services" + is_a);
      if (e.key == "replicas" && !worker && service.kind != ServiceKind::k_redis)
        reader.error(e.key_location, "'replicas' applies only to celery-worker and redis services" + is_a);
      if ((e.key == "sentinels" || e.key == "down_after") && service.kind != ServiceKind::k_redis)
        reader.error(e.key_location, quote(e.key) + " applies only to redis services" + is_a);
    }
  }

  const bool redis = out.kind_known && service.kind == ServiceKind::k_redis;
  if (const MapEntry* e = map.find("replicas")) {
    // A worker's instances (>= 1); a Redis's read replicas besides the master (>= 0).
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
  if (const MapEntry* e = map.find("role")) {
    if (auto value = read_choice(reader, *e, k_roles)) {
      service.role = *value;
      if (service.role == "ledger" && out.kind_known && service.kind != ServiceKind::k_redis)
        reader.error(e->location, "role 'ledger' requires a redis service (" + quote(service.name) + " is a " +
                                      to_string(service.kind) + " service)");
      else if (service.role == "ledger" && (service.redis_replicas > 0 || service.sentinels > 0))
        reader.error(e->location, "role 'ledger' requires a redis service without replicas or sentinels (the "
                                  "harness's own record is never faulted)");
    }
  }
  for (std::string_view role : {"broker", "backend"}) {
    if (const MapEntry* e = map.find(role)) {
      if (auto value = read_nonempty_string(reader, *e)) {
        (role == "broker" ? service.broker : service.backend) = *value;
        references.push_back(Reference{index, role, *value, e->location});
      }
    }
  }
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
  if (const MapEntry* e = map.find("config")) {
    if (!e->value.IsMap())
      reader.error(e->location, "'config' must be a map of Celery settings, got " + describe(e->value));
    else if (auto value = read_json(reader, e->value, "config"))
      service.config = std::move(*value);
  }
  if (const MapEntry* e = map.find("environment")) {
    if (auto value = read_environment(reader, *e)) service.environment = std::move(*value);
    reader.note_placeholders(e->value, PlaceholderScope::k_worker_setup);
  }
  if (const MapEntry* e = map.find("healthcheck")) {
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
  if (const MapEntry* e = map.find("database")) {
    if (auto value = read_string(reader, *e)) {
      if (matches(*value, "[A-Za-z_][A-Za-z0-9_]*"))
        service.database = *value;
      else
        reader.error(e->location, "invalid database name " + quote(*value) +
                                      " (expected letters, digits and '_', not starting with a digit)");
    }
  }

  if (out.kind_known && service.kind == ServiceKind::k_celery_worker && !map.find("broker") &&
      !map.find("broker_url")) {
    reader.error(service.location, "celery-worker " + context +
                                       " needs 'broker' (the name of a rabbitmq or redis service) or 'broker_url'");
  }
}

}  // namespace

std::optional<ServiceKind> infer_kind(std::string_view image) {
  if (const auto slash = image.rfind('/'); slash != std::string_view::npos) image.remove_prefix(slash + 1);
  if (const auto at = image.find('@'); at != std::string_view::npos) image = image.substr(0, at);
  if (const auto colon = image.find(':'); colon != std::string_view::npos) image = image.substr(0, colon);
  if (image.starts_with("rabbitmq")) return ServiceKind::k_rabbitmq;
  if (image.starts_with("redis")) return ServiceKind::k_redis;
  if (image.starts_with("postgres")) return ServiceKind::k_postgres;
  if (image.starts_with("celery") || image.find("worker") != std::string_view::npos)
    return ServiceKind::k_celery_worker;
  return std::nullopt;
}

bool has_healthcheck(const Service& service) {
  return service.healthcheck && !service.healthcheck->test.empty() && service.healthcheck->test.front() != "NONE";
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

std::vector<Service> read_services(YamlReader& reader, const MapEntry& entry) {
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
    read_service(reader, service_entry, r, references, read.size() - 1);
  }

  std::vector<Service> services;
  for (auto& r : read) services.push_back(std::move(r.service));

  for (const auto& ref : references) {
    const Service& from = services[ref.service];
    const Service* target =
        resolve_service(reader, services, ref.name, ref.location, "service " + quote(from.name), ref.role);
    if (!target || !read[static_cast<std::size_t>(target - services.data())].kind_known) continue;
    const bool broker = ref.role == "broker";
    const bool fits = broker ? (target->kind == ServiceKind::k_rabbitmq || target->kind == ServiceKind::k_redis)
                             : (target->kind == ServiceKind::k_redis || target->kind == ServiceKind::k_postgres);
    if (!fits) {
      reader.error(ref.location, std::string(ref.role) + " " + quote(target->name) + " of service " + quote(from.name) +
                                     " is a " + to_string(target->kind) + " service (expected " +
                                     (broker ? "rabbitmq or redis" : "redis or postgres") + ")");
    }
  }
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

namespace harness::scenario {

std::vector<ServiceKindKeys> service_kind_keys() {
  // The rules read_service applies to a service of each kind (worker-only keys, database, replicas, sentinels,
  // and `role`, whose only value, ledger, requires a redis service). A unit test holds the two equal.
  const auto applies = [](std::string_view key, ServiceKind kind) {
    const bool worker = kind == ServiceKind::k_celery_worker;
    if (std::find(k_worker_only_keys.begin(), k_worker_only_keys.end(), key) != k_worker_only_keys.end())
      return worker;
    if (key == "database") return kind == ServiceKind::k_postgres;
    if (key == "replicas") return worker || kind == ServiceKind::k_redis;
    if (key == "sentinels" || key == "down_after" || key == "role") return kind == ServiceKind::k_redis;
    return true;
  };
  std::vector<ServiceKindKeys> kinds;
  for (std::string_view name : k_kinds) {
    ServiceKindKeys kind{name, {}};
    for (std::string_view key : k_service_keys)
      if (applies(key, *kind_from_string(name))) kind.keys.push_back(key);
    kinds.push_back(std::move(kind));
  }
  return kinds;
}

}  // namespace harness::scenario
