#include "harness/scenario/fault_reader.h"

#include <signal.h>

#include <string>

#include "harness/scenario/service_reader.h"

namespace harness::scenario {

namespace {

// The catalogue in the README's order; `future` holds what the loader does not read yet.
const KindKeys k_fault_keys{"fault",
                            "kind",
                            {"pause", "kill", "pidbox-reply-expiry", "policy", "disk-alarm", "memory-alarm",
                             "close-connections", "broker-restart", "redis-readonly", "redis-restart", "postgres-down",
                             "drop-database", "redis-failover"},
                            {},
                            {"restart", "latency", "partition", "reset", "bandwidth", "slow-close",
                             "exec"},
                            KindNaming::k_catalogue};
const std::vector<std::string_view> k_pause_keys{"service"};
const std::vector<std::string_view> k_kill_keys{"service", "replica", "target", "signal"};
const std::vector<std::string_view> k_kill_targets{"group", "main", "children"};
const std::vector<std::string_view> k_pidbox_keys{"broker", "expires"};
const std::vector<std::string_view> k_policy_keys{"broker", "name", "pattern", "definition", "priority", "apply_to"};
const std::vector<std::string_view> k_apply_to{"queues", "exchanges", "all"};
const std::vector<std::string_view> k_broker_keys{"broker"};  // disk-alarm, memory-alarm, close-connections
const std::vector<std::string_view> k_broker_restart_keys{"broker", "mode"};
const std::vector<std::string_view> k_restart_modes{"graceful", "kill"};
const std::vector<std::string_view> k_service_keys{"service"};  // redis-restart, postgres-down
const std::vector<std::string_view> k_redis_readonly_keys{"service", "of"};
const std::vector<std::string_view> k_drop_database_keys{"service", "database"};
const std::vector<std::string_view> k_redis_failover_keys{"service", "mode"};
const std::vector<std::string_view> k_failover_modes{"sentinel", "kill"};

constexpr int k_max_signal = 64;  // Linux: SIGRTMAX

struct SignalName {
  std::string_view name;  // without "SIG"
  int number;
};
// clang-format off
const std::vector<SignalName> k_signals{
    {"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT},     {"ILL", SIGILL},   {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"CHLD", SIGCHLD}, {"CONT", SIGCONT},   {"STOP", SIGSTOP},     {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU}, {"URG", SIGURG},     {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"SYS", SIGSYS},
#ifdef SIGIO
    {"IO", SIGIO},
#endif
#ifdef SIGPWR
    {"PWR", SIGPWR},
#endif
};
// clang-format on

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

const Service* find_service(const std::vector<Service>& services, std::string_view name) {
  for (const auto& service : services)
    if (service.name == name) return &service;
  return nullptr;
}

std::optional<int> read_signal(YamlReader& reader, const MapEntry& entry) {
  if (entry.value.IsScalar())
    if (auto signal = parse_signal(entry.value.Scalar())) return signal;
  const std::string& text = entry.value.IsScalar() ? entry.value.Scalar() : std::string();
  const std::size_t digits = text.starts_with('-') || text.starts_with('+') ? 1 : 0;
  const bool number = text.size() > digits && text.find_first_not_of("0123456789", digits) == std::string::npos;
  if (!entry.value.IsScalar() || number || text.empty()) {
    reader.error(entry.location, "'signal' must be a signal name (e.g. KILL, TERM) or a number from 1 to " +
                                     std::to_string(k_max_signal) + ", got " + describe(entry.value));
    return std::nullopt;
  }
  std::vector<std::string_view> names;
  for (const auto& signal : k_signals) names.push_back(signal.name);
  std::string bare = upper(text);
  if (bare.starts_with("SIG")) bare.erase(0, 3);
  std::string message = "unknown signal " + quote(truncate(text));
  if (auto suggestion = closest_match(bare, names))
    message += " (did you mean " + quote(*suggestion) + "?)";
  else
    message += " (expected a name such as KILL, TERM, INT or STOP, or a number from 1 to " +
               std::to_string(k_max_signal) + ")";
  reader.error(entry.location, std::move(message));
  return std::nullopt;
}

// A pause or kill target: a service, or one instance of a celery-worker service ("worker.2"); not the ledger.
bool check_target(YamlReader& reader, const std::vector<Service>& services, const std::string& name,
                  const SourceLocation& at, const std::string& referrer) {
  const std::size_t dot = name.rfind('.');
  const Service* service = dot == std::string::npos ? nullptr : find_service(services, name.substr(0, dot));
  if (service) {  // an instance; service names have no dots, so NAME.N is never a service itself
    if (service->kind != ServiceKind::k_celery_worker) {
      reader.error(at, referrer + " refers to instance " + quote(name) + ", but " + quote(service->name) + " is a " +
                           to_string(service->kind) + " service (only celery-worker services have numbered instances)");
      return false;
    }
    const std::string number = name.substr(dot + 1);
    const bool valid = !number.empty() && number.size() <= 9 && number.front() != '0' &&
                       number.find_first_not_of("0123456789") == std::string::npos &&
                       std::stoi(number) <= service->replicas;
    if (!valid) {
      std::string expected = service->name + ".1";
      if (service->replicas > 1) expected += " to " + service->name + "." + std::to_string(service->replicas);
      reader.error(at, referrer + " refers to instance " + quote(name) + ", but service " + quote(service->name) +
                           " has " + std::to_string(service->replicas) +
                           (service->replicas == 1 ? " replica" : " replicas") + " (expected " + expected + ")");
      return false;
    }
  } else {
    service = resolve_service(reader, services, name, at, referrer);
    if (!service) return false;
  }
  if (service->role == "ledger") {
    reader.error(at, referrer + " targets service " + quote(service->name) +
                         ", which has role 'ledger' (the harness's own record is never faulted)");
    return false;
  }
  return true;
}

// `pause: worker`, `pause: {service: worker}`, `kill: {service: worker.1, signal: TERM}`.
std::optional<FaultStep> read_signal_fault(YamlReader& reader, const MapEntry& entry,
                                           const std::vector<Service>* services) {
  FaultStep fault;
  fault.kind = entry.key;
  const bool kill = entry.key == "kill";
  const std::string context = entry.key + " fault";
  const MapEntry* target = &entry;  // the scalar shorthand names the service itself
  std::optional<MapView> map;
  if (entry.value.IsMap()) {
    map.emplace(reader, entry.value);
    map->report_unknown_keys(reader, kill ? k_kill_keys : k_pause_keys, context);
    target = map->require(reader, "service", context);
  } else if (!entry.value.IsScalar()) {
    reader.error(entry.location, quote(entry.key) + " must be a service name or a map with " +
                                     (kill ? "'service' and 'signal'" : "'service'") + ", got " +
                                     describe(entry.value));
    return std::nullopt;
  }
  bool ok = target != nullptr;
  if (target) {
    if (auto name = read_nonempty_string(reader, *target)) {
      fault.service = *name;
      if (services && !check_target(reader, *services, *name, target->location, context)) ok = false;
    } else {
      ok = false;
    }
  }
  if (const MapEntry* e = (map && kill) ? map->find("signal") : nullptr)
    assign_or_fail(read_signal(reader, *e), fault.signal, ok);
  if (const MapEntry* e = (map && kill) ? map->find("target") : nullptr)
    assign_or_fail(read_choice(reader, *e, k_kill_targets), fault.target, ok);
  if (const MapEntry* e = (map && kill) ? map->find("replica") : nullptr) {
    // `replica: 2` is `service: worker.2`.
    if (auto replica = read_int(reader, *e, 1)) {
      if (ok && fault.service.find('.') != std::string::npos) {
        reader.error(e->key_location, "kill fault has 'replica' and an instance in 'service' " +
                                          quote(fault.service) + " (expected one of the two)");
        ok = false;
      } else if (ok) {
        const std::string instance = fault.service + "." + std::to_string(*replica);
        if (services && !check_target(reader, *services, instance, e->location, context))
          ok = false;
        else
          fault.service = instance;
      }
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return fault;
}

// `broker:` of the RabbitMQ faults: a rabbitmq service. Sets fault.service.
bool read_broker(YamlReader& reader, const MapView& map, const std::vector<Service>* services,
                 const std::string& context, FaultStep& fault) {
  bool ok = true;
  read_service_of_kind(reader, map, "broker", services, ServiceKind::k_rabbitmq, context, fault.service, ok);
  return ok;
}

std::optional<FaultStep> read_pidbox_reply_expiry(YamlReader& reader, const MapEntry& entry,
                                                  const std::vector<Service>* services) {
  const std::string context = "pidbox-reply-expiry fault";
  auto map = read_map(reader, entry, "'pidbox-reply-expiry' must be a map with 'broker' and 'expires'", k_pidbox_keys,
                      context);
  if (!map) return std::nullopt;
  FaultStep fault;
  fault.kind = entry.key;
  bool ok = read_broker(reader, *map, services, context, fault);
  if (const MapEntry* e = map->require(reader, "expires", context))
    assign_or_fail(read_duration(reader, *e), fault.expires, ok);
  else
    ok = false;
  if (!ok) return std::nullopt;
  return fault;
}

std::optional<FaultStep> read_policy(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  const std::string context = "policy fault";
  auto map = read_map(reader, entry, "'policy' must be a map with 'broker', 'name', 'pattern' and 'definition'",
                      k_policy_keys, context);
  if (!map) return std::nullopt;
  FaultStep fault;
  fault.kind = entry.key;
  bool ok = read_broker(reader, *map, services, context, fault);
  const auto required_string = [&](std::string_view key, std::string& field) {
    const MapEntry* e = map->require(reader, key, context);
    auto value = e ? read_nonempty_string(reader, *e) : std::nullopt;
    if (value)
      field = *value;
    else
      ok = false;
  };
  required_string("name", fault.policy_name);
  // RabbitMQ matches policy patterns with Erlang's re (PCRE); std::regex is not that dialect, so the pattern is
  // left to RabbitMQ, which refuses a bad one when the fault is applied.
  required_string("pattern", fault.pattern);
  if (const MapEntry* e = map->require(reader, "definition", context)) {
    if (!e->value.IsMap()) {
      reader.error(e->location,
                   "'definition' must be a map of policy keys (e.g. {max-length: 1000}), got " + describe(e->value));
      ok = false;
    } else if (auto definition = read_json(reader, e->value, "definition")) {
      fault.definition = std::move(*definition);
      if (fault.definition.empty()) {  // RabbitMQ: "no policy provided"
        reader.error(e->location, "'definition' must not be empty (expected policy keys, e.g. {max-length: 1000})");
        ok = false;
      }
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  if (const MapEntry* e = map->find("priority")) assign_or_fail(read_int(reader, *e, 0), fault.priority, ok);
  if (const MapEntry* e = map->find("apply_to")) assign_or_fail(read_choice(reader, *e, k_apply_to), fault.apply_to, ok);
  if (!ok) return std::nullopt;
  return fault;
}

// disk-alarm, memory-alarm, close-connections: `{broker: NAME}`; broker-restart adds `mode`.
std::optional<FaultStep> read_broker_fault(YamlReader& reader, const MapEntry& entry,
                                           const std::vector<Service>* services) {
  const bool restart = entry.key == "broker-restart";
  const std::string context = entry.key + " fault";
  auto map = read_map(reader, entry,
                      quote(entry.key) + " must be a map with 'broker'" + (restart ? " and optionally 'mode'" : ""),
                      restart ? k_broker_restart_keys : k_broker_keys, context);
  if (!map) return std::nullopt;
  FaultStep fault;
  fault.kind = entry.key;
  bool ok = read_broker(reader, *map, services, context, fault);
  if (const MapEntry* e = restart ? map->find("mode") : nullptr)
    assign_or_fail(read_choice(reader, *e, k_restart_modes), fault.mode, ok);
  if (!ok) return std::nullopt;
  return fault;
}

// `service:` of a Redis or PostgreSQL fault: a service of `kind`, never the ledger. Sets fault.service.
const Service* read_data_service(YamlReader& reader, const MapView& map, const std::vector<Service>* services,
                                 ServiceKind kind, const std::string& context, FaultStep& fault, bool& ok) {
  const Service* service = read_service_of_kind(reader, map, "service", services, kind, context, fault.service, ok);
  if (service && service->role == "ledger") {
    reader.error(map.find("service")->location, context + " targets service " + quote(service->name) +
                                                    ", which has role 'ledger' (the harness's own record is never "
                                                    "faulted)");
    ok = false;
    return nullptr;
  }
  return service;
}

// redis-readonly: `{service, of}`; redis-restart: `{service}`.
std::optional<FaultStep> read_redis_fault(YamlReader& reader, const MapEntry& entry,
                                          const std::vector<Service>* services) {
  const bool readonly = entry.key == "redis-readonly";
  const std::string context = entry.key + " fault";
  auto map = read_map(reader, entry, quote(entry.key) + " must be a map with 'service'" + (readonly ? " and 'of'" : ""),
                      readonly ? k_redis_readonly_keys : k_service_keys, context);
  if (!map) return std::nullopt;
  FaultStep fault;
  fault.kind = entry.key;
  bool ok = true;
  read_data_service(reader, *map, services, ServiceKind::k_redis, context, fault, ok);
  if (readonly) {
    const MapEntry* e = map->require(reader, "of", context);
    auto name = e ? read_nonempty_string(reader, *e) : std::nullopt;
    if (name) {
      fault.of = *name;
      const std::string must = "'of' of " + context + " must be another redis service, got " + quote(*name);
      const Service* of = services ? resolve_service(reader, *services, *name, e->location, context) : nullptr;
      if (services && !of) {
        ok = false;
      } else if (of && of->kind != ServiceKind::k_redis) {
        reader.error(e->location, must + " (a " + std::string(to_string(of->kind)) + " service)");
        ok = false;
      } else if (of && of->role == "ledger") {
        reader.error(e->location, must + " (the harness's own record, role 'ledger', is never faulted)");
        ok = false;
      } else if (*name == fault.service) {
        reader.error(e->location, must + " (the service itself)");
        ok = false;
      }
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return fault;
}

// redis-failover: `{service, mode}`, mode sentinel (default) or kill; the service must have sentinels.
std::optional<FaultStep> read_redis_failover(YamlReader& reader, const MapEntry& entry,
                                             const std::vector<Service>* services) {
  const std::string context = entry.key + " fault";
  auto map = read_map(reader, entry, quote(entry.key) + " must be a map with 'service' and optionally 'mode'",
                      k_redis_failover_keys, context);
  if (!map) return std::nullopt;
  FaultStep fault;
  fault.kind = entry.key;
  fault.mode = "sentinel";
  bool ok = true;
  const Service* service = read_data_service(reader, *map, services, ServiceKind::k_redis, context, fault, ok);
  if (service && service->sentinels == 0) {
    reader.error(map->find("service")->location, context + " needs service " + quote(service->name) +
                                                     " to have sentinels (e.g. replicas: 1, sentinels: 3)");
    ok = false;
  }
  if (const MapEntry* e = map->find("mode")) assign_or_fail(read_choice(reader, *e, k_failover_modes), fault.mode, ok);
  if (!ok) return std::nullopt;
  return fault;
}

// postgres-down: `{service}`; drop-database: `{service, database}` (default: the service's own database).
std::optional<FaultStep> read_postgres_fault(YamlReader& reader, const MapEntry& entry,
                                             const std::vector<Service>* services) {
  const bool drop = entry.key == "drop-database";
  const std::string context = entry.key + " fault";
  auto map = read_map(reader, entry,
                      quote(entry.key) + " must be a map with 'service'" + (drop ? " and optionally 'database'" : ""),
                      drop ? k_drop_database_keys : k_service_keys, context);
  if (!map) return std::nullopt;
  FaultStep fault;
  fault.kind = entry.key;
  bool ok = true;
  const Service* service = read_data_service(reader, *map, services, ServiceKind::k_postgres, context, fault, ok);
  if (drop) {
    if (const MapEntry* e = map->find("database"))
      assign_or_fail(read_nonempty_string(reader, *e), fault.database, ok);
    else if (service)
      fault.database = service->database;
  }
  if (!ok) return std::nullopt;
  return fault;
}

// Why `for:` does not apply to a fault kind, or nullptr when it does.
const char* no_inverse_reason(const std::string& kind) {
  if (kind == "kill") return "it has no inverse";
  if (kind == "close-connections") return "it has no inverse: clients reconnect by themselves";
  if (kind == "broker-restart" || kind == "redis-restart")
    return "it has no inverse: the service is back when the step ends";
  if (kind == "redis-failover") return "it has no inverse: a failover is not undone";
  return nullptr;
}

}  // namespace

std::optional<int> parse_signal(std::string_view text) {
  if (!text.empty() && text.size() <= 2 && text.find_first_not_of("0123456789") == std::string_view::npos) {
    const int number = std::stoi(std::string(text));
    if (number >= 1 && number <= k_max_signal) return number;
    return std::nullopt;
  }
  std::string name = upper(text);
  if (name.starts_with("SIG")) name.erase(0, 3);
  for (const auto& signal : k_signals)
    if (signal.name == name) return signal.number;
  return std::nullopt;
}

std::optional<FaultStep> read_fault(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services,
                                    const MapEntry* for_entry) {
  if (!entry.value.IsMap()) {
    reader.error(entry.location,
                 "'fault' must be a map with one fault (e.g. {kill: {service: worker}}), got " + describe(entry.value));
    return std::nullopt;
  }
  MapView map(reader, entry.value);
  const MapEntry* kind = find_kind_entry(reader, map, k_fault_keys);
  if (!kind) return std::nullopt;
  bool ok = true;
  if (const char* reason = for_entry ? no_inverse_reason(kind->key) : nullptr) {
    reader.error(for_entry->key_location,
                 "'for' does not apply to fault " + quote(kind->key) + " (" + std::string(reason) + ")");
    ok = false;
  }
  std::optional<FaultStep> fault;
  const std::string& k = kind->key;
  if (k == "pause" || k == "kill")
    fault = read_signal_fault(reader, *kind, services);
  else if (k == "pidbox-reply-expiry")
    fault = read_pidbox_reply_expiry(reader, *kind, services);
  else if (k == "policy")
    fault = read_policy(reader, *kind, services);
  else if (k == "disk-alarm" || k == "memory-alarm" || k == "close-connections" || k == "broker-restart")
    fault = read_broker_fault(reader, *kind, services);
  else if (k == "redis-readonly" || k == "redis-restart")
    fault = read_redis_fault(reader, *kind, services);
  else if (k == "redis-failover")
    fault = read_redis_failover(reader, *kind, services);
  else
    fault = read_postgres_fault(reader, *kind, services);
  if (!ok) return std::nullopt;
  return fault;
}

}  // namespace harness::scenario
