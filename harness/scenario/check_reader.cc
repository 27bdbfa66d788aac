#include "harness/scenario/check_reader.h"

#include <algorithm>
#include <map>
#include <regex>

#include "harness/scenario/duration.h"
#include "harness/scenario/exec_reader.h"
#include "harness/scenario/service_reader.h"

namespace harness::scenario {

namespace {

const KindKeys k_check_keys{
    "check", "kind", {"log", "exec", "health", "restarts", "exit", "delivery", "queue", "connections"}, {"name"}, {}};
const std::vector<std::string_view> k_queue_keys{"broker", "name", "depth", "within"};
const std::vector<std::string_view> k_connections_keys{"broker", "state", "never", "min"};
const std::vector<std::string_view> k_connection_states{"running", "blocked", "blocking", "flow", "closed",
                                                        "starting", "tuning", "opening"};
const std::vector<std::string_view> k_log_keys{"service", "contains", "not_contains", "regex"};
const std::vector<std::string_view> k_exec_keys{"command", "service", "exit_code", "output_contains", "timeout"};
const std::vector<std::string_view> k_health_keys{"service", "state", "within", "never", "always", "after"};
const std::vector<std::string_view> k_health_anchors{"ready", "fault"};
const std::vector<std::string_view> k_health_forms{"state", "never", "always"};
const std::vector<std::string_view> k_health_states{"healthy", "unhealthy", "starting"};
const std::vector<std::string_view> k_restarts_keys{"service", "min", "max"};
const std::vector<std::string_view> k_exit_keys{"service", "code", "log"};
const std::vector<std::string_view> k_delivery_keys{"load",        "accepted",    "lost",
                                                    "duplicated",  "phantom",     "latency_p50",
                                                    "latency_p95", "latency_p99", "latency_max",
                                                    "recovery"};
constexpr std::string_view k_bound_examples = "a number or a comparison such as \"<=5\" or \">0\"";

// The required `service:` of a check (any kind), resolved; nullptr after reporting (or when services are unknown).
const Service* read_check_service(YamlReader& reader, const MapView& map, const std::vector<Service>* services,
                                  const std::string& context, std::string& field, bool& ok) {
  return read_service_of_kind(reader, map, "service", services, std::nullopt, context, field, ok);
}

std::optional<LogCheck> read_log(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  const std::string context = "log check";
  auto map = read_map(reader, entry, "'log' must be a map with 'service' and 'contains' or 'not_contains'", k_log_keys,
                      context);
  if (!map) return std::nullopt;
  LogCheck log;
  bool ok = true;
  read_check_service(reader, *map, services, context, log.service, ok);
  const MapEntry* contains = map->find("contains");
  const MapEntry* not_contains = map->find("not_contains");
  if (contains && not_contains) {
    const MapEntry* later = is_before(contains->key_location, not_contains->key_location) ? not_contains : contains;
    reader.error(later->key_location, "log check has both 'contains' and 'not_contains' (expected exactly one)");
    ok = false;
  } else if (!contains && !not_contains) {
    reader.error(map->location(), "log check needs 'contains' or 'not_contains'");
    ok = false;
  }
  if (const MapEntry* e = map->find("regex")) assign_or_fail(read_bool(reader, *e), log.regex, ok);
  for (const MapEntry* e : {contains, not_contains}) {
    if (!e) continue;
    auto pattern = read_nonempty_string(reader, *e);
    if (!pattern) {
      ok = false;
      continue;
    }
    (e == contains ? log.contains : log.not_contains) = *pattern;
    if (!log.regex) continue;
    try {
      std::regex compiled(*pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
      reader.error(e->location,
                   "invalid regex " + quote(truncate(*pattern)) + " for " + quote(e->key) + ": " + error.what());
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return log;
}

std::optional<ExecCheck> read_exec(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  ExecCheck exec;
  bool ok = true;
  if (auto map = read_exec_map(reader, entry, services, "exec check", k_exec_keys, exec.command, exec.service, ok)) {
    if (const MapEntry* e = map->find("output_contains"))
      assign_or_fail(read_nonempty_string(reader, *e), exec.output_contains, ok);
    if (const MapEntry* e = map->find("exit_code")) assign_or_fail(read_int(reader, *e, 0, 255), exec.exit_code, ok);
    if (const MapEntry* e = map->find("timeout")) assign_or_fail(read_duration(reader, *e), exec.timeout, ok);
  }
  if (!ok) return std::nullopt;
  return exec;
}

// `health: {service, state, within}`, `{service, never: STATE}` or `{service, always: STATE}`.
std::optional<HealthCheckSpec> read_health(YamlReader& reader, const MapEntry& entry,
                                           const std::vector<Service>* services) {
  const std::string context = "health check";
  auto map = read_map(reader, entry,
                      "'health' must be a map with 'service' and one of 'state' (with 'within'), 'never' or 'always'",
                      k_health_keys, context);
  if (!map) return std::nullopt;
  HealthCheckSpec health;
  bool ok = true;
  const MapEntry* service_entry = map->find("service");
  if (const Service* service = read_check_service(reader, *map, services, context, health.service, ok);
      service && !has_healthcheck(*service)) {
    reader.error(service_entry->location,
                 "health check on service " + quote(health.service) + ", but it has no healthcheck");
    ok = false;
  }

  std::vector<const MapEntry*> forms;  // in file order
  for (const auto& e : map->entries())
    if (std::find(k_health_forms.begin(), k_health_forms.end(), e.key) != k_health_forms.end()) forms.push_back(&e);
  const MapEntry* within = map->find("within");
  if (forms.empty()) {
    if (!within) reader.error(map->location(), "health check needs 'state' (with 'within'), 'never' or 'always'");
    ok = false;
  } else if (forms.size() > 1) {
    reader.error(forms[1]->key_location, "health check has both " + quote(forms[0]->key) + " and " +
                                             quote(forms[1]->key) + " (expected exactly one of: " +
                                             join(k_health_forms) + ")");
    ok = false;
  }
  const MapEntry* state = map->find("state");
  if (state && !within) {
    reader.error(state->key_location, "health check has 'state' without 'within' (e.g. within: 30s)");
    ok = false;
  } else if (within && !state) {
    reader.error(within->key_location, "health check has 'within' without 'state'");
    ok = false;
  }
  for (const MapEntry* e : forms) {
    auto value = read_choice(reader, *e, k_health_states);
    if (!value) {
      ok = false;
      continue;
    }
    (e->key == "state" ? health.state : e->key == "never" ? health.never : health.always) = *value;
  }
  if (within) assign_or_fail(read_duration(reader, *within), health.within, ok);
  if (const MapEntry* after = map->find("after")) {
    if (auto value = read_choice(reader, *after, k_health_anchors))
      health.after_fault = *value == "fault";
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return health;
}

std::optional<RestartsCheck> read_restarts(YamlReader& reader, const MapEntry& entry,
                                           const std::vector<Service>* services) {
  const std::string context = "restarts check";
  auto map = read_map(reader, entry, "'restarts' must be a map with 'service' and 'min' or 'max' (or both)",
                      k_restarts_keys, context);
  if (!map) return std::nullopt;
  RestartsCheck restarts;
  bool ok = true;
  read_check_service(reader, *map, services, context, restarts.service, ok);
  const MapEntry* min = map->find("min");
  const MapEntry* max = map->find("max");
  for (const MapEntry* e : {min, max})
    if (e) assign_or_fail(read_int(reader, *e, 0), e == min ? restarts.min : restarts.max, ok);
  if (!min && !max) {
    reader.error(map->location(), "restarts check needs 'min' or 'max' (or both)");
    ok = false;
  } else if (restarts.min && restarts.max && *restarts.min > *restarts.max) {
    reader.error(max->location, "restarts check 'max' " + std::to_string(*restarts.max) + " is less than 'min' " +
                                    std::to_string(*restarts.min));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return restarts;
}

std::optional<ExitCheck> read_exit(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  const std::string context = "exit check";
  auto map = read_map(reader, entry, "'exit' must be a map with 'service' and optionally 'code' and 'log'",
                      k_exit_keys, context);
  if (!map) return std::nullopt;
  ExitCheck exit;
  bool ok = true;
  read_check_service(reader, *map, services, context, exit.service, ok);
  if (const MapEntry* e = map->find("code")) assign_or_fail(read_int(reader, *e, 0, 255), exit.code, ok);
  if (const MapEntry* e = map->find("log")) assign_or_fail(read_nonempty_string(reader, *e), exit.log, ok);
  if (!ok) return std::nullopt;
  return exit;
}

// "==3", "<= 5", ">0", or a plain number (at most): a CountBound. nullopt for anything else.
std::optional<CountBound> parse_count_bound(std::string_view text) {
  static const std::pair<std::string_view, CountBound::Op> k_ops[] = {
      {"==", CountBound::Op::k_eq}, {"<=", CountBound::Op::k_le}, {">=", CountBound::Op::k_ge},
      {"<", CountBound::Op::k_lt},  {">", CountBound::Op::k_gt}};
  const auto trim = [](std::string_view& t) {
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  };
  trim(text);
  CountBound bound;
  for (const auto& [symbol, op] : k_ops) {
    if (text.starts_with(symbol)) {
      bound.op = op;
      text.remove_prefix(symbol.size());
      trim(text);
      break;
    }
  }
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  for (char c : text) bound.value = bound.value * 10 + (c - '0');
  return bound;
}

std::optional<CountBound> read_count_bound(YamlReader& reader, const MapEntry& entry) {
  if (!entry.value.IsScalar()) {
    reader.error(entry.location,
                 quote(entry.key) + " must be " + std::string(k_bound_examples) + ", got " + describe(entry.value));
    return std::nullopt;
  }
  const std::string& text = entry.value.Scalar();
  auto bound = parse_count_bound(text);
  if (!bound) {
    reader.error(entry.location, "invalid bound " + quote(truncate(text)) + " for " + quote(entry.key) +
                                     " (expected " + std::string(k_bound_examples) + ")");
    return std::nullopt;
  }
  if (bound->op == CountBound::Op::k_lt && bound->value == 0) {
    reader.error(entry.location,
                 "bound " + quote(text) + " for " + quote(entry.key) + " can never hold (a count is never negative)");
    return std::nullopt;
  }
  return bound;
}

// The required `broker:` of a check: a rabbitmq service. False after reporting.
bool read_check_broker(YamlReader& reader, const MapView& map, const std::vector<Service>* services,
                       const std::string& context, std::string& field) {
  bool ok = true;
  read_service_of_kind(reader, map, "broker", services, ServiceKind::k_rabbitmq, context, field, ok);
  return ok;
}

// `queue: {broker, name, depth, within}`.
std::optional<QueueCheck> read_queue(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  const std::string context = "queue check";
  auto map = read_map(reader, entry, "'queue' must be a map with 'broker', 'name', 'depth' and optionally 'within'",
                      k_queue_keys, context);
  if (!map) return std::nullopt;
  QueueCheck queue;
  bool ok = read_check_broker(reader, *map, services, context, queue.broker);
  if (const MapEntry* e = map->require(reader, "name", context))
    assign_or_fail(read_nonempty_string(reader, *e), queue.name, ok);
  else
    ok = false;
  if (const MapEntry* e = map->require(reader, "depth", context))
    assign_or_fail(read_count_bound(reader, *e), queue.depth, ok);
  else
    ok = false;
  if (const MapEntry* e = map->find("within")) assign_or_fail(read_duration(reader, *e), queue.within, ok);
  if (!ok) return std::nullopt;
  return queue;
}

// `connections: {broker, state, min}` or `{broker, never}`.
std::optional<ConnectionsCheck> read_connections(YamlReader& reader, const MapEntry& entry,
                                                 const std::vector<Service>* services) {
  const std::string context = "connections check";
  auto map = read_map(reader, entry, "'connections' must be a map with 'broker' and 'state' (with 'min') or 'never'",
                      k_connections_keys, context);
  if (!map) return std::nullopt;
  ConnectionsCheck connections;
  bool ok = read_check_broker(reader, *map, services, context, connections.broker);
  const MapEntry* state = map->find("state");
  const MapEntry* never = map->find("never");
  if (state && never) {
    const MapEntry* later = is_before(state->key_location, never->key_location) ? never : state;
    reader.error(later->key_location, "connections check has both 'state' and 'never' (expected exactly one)");
    ok = false;
  } else if (!state && !never) {
    reader.error(map->location(), "connections check needs 'state' or 'never'");
    ok = false;
  }
  if (state) assign_or_fail(read_choice(reader, *state, k_connection_states), connections.state, ok);
  if (never) assign_or_fail(read_choice(reader, *never, k_connection_states), connections.never, ok);
  if (const MapEntry* e = map->find("min")) {
    if (never) {
      reader.error(e->key_location, "connections check 'min' applies to 'state', not 'never'");
      ok = false;
    } else {
      assign_or_fail(read_int(reader, *e, 1), connections.min, ok);
    }
  }
  if (!ok) return std::nullopt;
  return connections;
}

// `delivery: {load, accepted, lost, duplicated, phantom, latency_p50/p95/p99/max, recovery}`; `delivery: {}` is every
// default (nothing lost, duplicated or phantom, over every load).
std::optional<DeliveryCheck> read_delivery(YamlReader& reader, const MapEntry& entry) {
  auto map = read_map(reader, entry,
                      "'delivery' must be a map of bounds (load, accepted, lost, duplicated, phantom, latency_p50, "
                      "latency_p95, latency_p99, latency_max, recovery; {} for the defaults)",
                      k_delivery_keys, "delivery check");
  if (!map) return std::nullopt;
  DeliveryCheck delivery;
  bool ok = true;
  if (const MapEntry* e = map->find("load")) assign_or_fail(read_nonempty_string(reader, *e), delivery.load, ok);
  const std::pair<std::string_view, std::optional<CountBound>*> counts[] = {
      {"accepted", &delivery.accepted}, {"lost", &delivery.lost}, {"duplicated", &delivery.duplicated},
      {"phantom", &delivery.phantom}};
  for (const auto& [key, field] : counts)
    if (const MapEntry* e = map->find(key)) assign_or_fail(read_count_bound(reader, *e), *field, ok);
  const std::pair<std::string_view, std::optional<Millis>*> durations[] = {
      {"latency_p50", &delivery.latency_p50}, {"latency_p95", &delivery.latency_p95},
      {"latency_p99", &delivery.latency_p99}, {"latency_max", &delivery.latency_max},
      {"recovery", &delivery.recovery}};
  for (const auto& [key, field] : durations)
    if (const MapEntry* e = map->find(key)) assign_or_fail(read_duration(reader, *e), *field, ok);
  if (!ok) return std::nullopt;
  return delivery;
}

// "<= 0": a bound as check names show it.
std::string format_bound(const CountBound& bound) {
  static const char* const k_symbols[] = {"==", "<=", "<", ">=", ">"};
  return std::string(k_symbols[static_cast<int>(bound.op)]) + " " + std::to_string(bound.value);
}

std::string delivery_name(const DeliveryCheck& delivery) {
  std::string name = "delivery";
  if (!delivery.load.empty()) name += " " + delivery.load;
  if (delivery.accepted) name += " accepted " + format_bound(*delivery.accepted) + ",";
  const CountBound none{};
  name += " lost " + format_bound(delivery.lost.value_or(none)) + ", duplicated " +
          format_bound(delivery.duplicated.value_or(none)) + ", phantom " +
          format_bound(delivery.phantom.value_or(none));
  const std::pair<const char*, const std::optional<Millis>*> durations[] = {
      {"latency_p50", &delivery.latency_p50}, {"latency_p95", &delivery.latency_p95},
      {"latency_p99", &delivery.latency_p99}, {"latency_max", &delivery.latency_max},
      {"recovery", &delivery.recovery}};
  for (const auto& [key, field] : durations)
    if (*field) name += std::string(", ") + key + " <= " + format_duration(**field);
  return name;
}

}  // namespace

std::string generated_check_name(const Check& check) {
  if (const auto* log = std::get_if<LogCheck>(&check.body)) {
    if (log->contains) return "log " + log->service + " contains " + quote(truncate(*log->contains));
    return "log " + log->service + " not_contains " + quote(truncate(log->not_contains.value_or("")));
  }
  if (const auto* exec = std::get_if<ExecCheck>(&check.body)) {
    std::string name = "exec " + quote(truncate(exec->command));
    if (!exec->service.empty()) name += " in " + exec->service;
    return name;
  }
  if (const auto* health = std::get_if<HealthCheckSpec>(&check.body)) {
    std::string name = "health " + health->service;
    const std::string after = health->after_fault ? " after the fault" : "";
    if (health->within) return name + " " + health->state + " within " + format_duration(*health->within) + after;
    if (!health->never.empty()) return name + " never " + health->never + after;
    return name + " always " + health->always + after;
  }
  if (const auto* restarts = std::get_if<RestartsCheck>(&check.body)) {
    const std::string name = "restarts " + restarts->service;
    if (restarts->min && restarts->max)
      return name + " " + std::to_string(*restarts->min) + ".." + std::to_string(*restarts->max);
    if (restarts->min) return name + " >= " + std::to_string(*restarts->min);
    return name + " <= " + std::to_string(restarts->max.value_or(0));
  }
  if (const auto* delivery = std::get_if<DeliveryCheck>(&check.body)) return delivery_name(*delivery);
  if (const auto* queue = std::get_if<QueueCheck>(&check.body)) {
    std::string name = "queue " + queue->broker + " " + queue->name + " depth " + format_bound(queue->depth);
    if (queue->within) name += " within " + format_duration(*queue->within);
    return name;
  }
  if (const auto* connections = std::get_if<ConnectionsCheck>(&check.body)) {
    if (!connections->never.empty()) return "connections " + connections->broker + " never " + connections->never;
    return "connections " + connections->broker + " " + connections->state + " >= " + std::to_string(connections->min);
  }
  const auto& exit = std::get<ExitCheck>(check.body);
  std::string name = "exit " + exit.service;
  if (exit.code) name += " code " + std::to_string(*exit.code);
  if (exit.log) name += " log " + quote(truncate(*exit.log));
  return name;
}

std::vector<Check> read_checks(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  if (!entry.value.IsSequence()) {
    reader.error(entry.location, "'checks' must be a list of checks, got " + describe(entry.value));
    return {};
  }
  std::vector<Check> checks;
  std::map<std::string, SourceLocation> names;
  for (const auto& item : entry.value) {
    const SourceLocation location = item.IsNull() ? entry.location : reader.location(item);
    if (!item.IsMap()) {
      reader.error(location,
                   "a check must be a map with one kind (log, exec, health, restarts, exit, delivery, queue or "
                   "connections), got " +
                       describe(item));
      continue;
    }
    MapView map(reader, item);
    Check check;
    check.location = location;
    bool named = true;
    if (const MapEntry* e = map.find("name")) {
      if (auto value = read_nonempty_string(reader, *e))
        check.name = *value;
      else
        named = false;
    }
    const MapEntry* kind = find_kind_entry(reader, map, k_check_keys);
    if (!kind) continue;
    bool ok = true;
    const auto store = [&](auto body) {
      if (body)
        check.body = std::move(*body);
      else
        ok = false;
    };
    if (kind->key == "log")
      store(read_log(reader, *kind, services));
    else if (kind->key == "exec")
      store(read_exec(reader, *kind, services));
    else if (kind->key == "health")
      store(read_health(reader, *kind, services));
    else if (kind->key == "restarts")
      store(read_restarts(reader, *kind, services));
    else if (kind->key == "delivery")
      store(read_delivery(reader, *kind));
    else if (kind->key == "queue")
      store(read_queue(reader, *kind, services));
    else if (kind->key == "connections")
      store(read_connections(reader, *kind, services));
    else
      store(read_exit(reader, *kind, services));
    if (!ok || !named) continue;  // a name made from a broken body would only add confusing duplicates
    if (check.name.empty()) check.name = generated_check_name(check);
    if (auto [it, inserted] = names.emplace(check.name, location); !inserted) {
      reader.error(location, "duplicate check name " + quote(check.name) + " (first used at line " +
                                 std::to_string(it->second.line) + ")");
      continue;
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

}  // namespace harness::scenario
