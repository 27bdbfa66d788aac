#include "harness/scenario/check_reader.h"

#include <map>
#include <regex>

#include "harness/scenario/service_reader.h"

namespace harness::scenario {

namespace {

const KindKeys k_check_keys{"check", "kind", {"log", "exec"}, {"name"}, {"delivery", "health", "restarts", "queue"}};
const std::vector<std::string_view> k_log_keys{"service", "contains", "not_contains", "regex"};
const std::vector<std::string_view> k_exec_keys{"command", "service", "exit_code", "output_contains", "timeout"};

std::optional<LogCheck> read_log(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  if (!entry.value.IsMap()) {
    reader.error(entry.location,
                 "'log' must be a map with 'service' and 'contains' or 'not_contains', got " + describe(entry.value));
    return std::nullopt;
  }
  MapView map(reader, entry.value);
  map.report_unknown_keys(reader, k_log_keys, "log check");
  LogCheck log;
  bool ok = true;
  if (const MapEntry* e = map.require(reader, "service", "log check")) {
    if (auto value = read_nonempty_string(reader, *e)) {
      log.service = *value;
      if (services && !resolve_service(reader, *services, *value, e->location, "log check")) ok = false;
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  const MapEntry* contains = map.find("contains");
  const MapEntry* not_contains = map.find("not_contains");
  if (contains && not_contains) {
    const MapEntry* later = is_before(contains->key_location, not_contains->key_location) ? not_contains : contains;
    reader.error(later->key_location, "log check has both 'contains' and 'not_contains' (expected exactly one)");
    ok = false;
  } else if (!contains && !not_contains) {
    reader.error(map.location(), "log check needs 'contains' or 'not_contains'");
    ok = false;
  }
  if (const MapEntry* e = map.find("regex")) {
    if (auto value = read_bool(reader, *e))
      log.regex = *value;
    else
      ok = false;
  }
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
  if (entry.value.IsScalar()) {  // `exec: some shell command`
    auto command = read_nonempty_string(reader, entry);
    if (!command) return std::nullopt;
    exec.command = *command;
    return exec;
  }
  if (!entry.value.IsMap()) {
    reader.error(entry.location,
                 "'exec' must be a shell command or a map with command, service, exit_code, "
                 "output_contains or timeout, got " +
                     describe(entry.value));
    return std::nullopt;
  }
  MapView map(reader, entry.value);
  map.report_unknown_keys(reader, k_exec_keys, "exec check");
  bool ok = true;
  const auto string_field = [&](std::string_view key, auto store) {
    if (const MapEntry* e = map.find(key)) {
      if (auto value = read_nonempty_string(reader, *e))
        store(*value, *e);
      else
        ok = false;
    }
  };
  if (!map.require(reader, "command", "exec check")) ok = false;
  string_field("command", [&](const std::string& v, const MapEntry&) { exec.command = v; });
  string_field("service", [&](const std::string& v, const MapEntry& e) {
    exec.service = v;
    if (services && !resolve_service(reader, *services, v, e.location, "exec check")) ok = false;
  });
  string_field("output_contains", [&](const std::string& v, const MapEntry&) { exec.output_contains = v; });
  if (const MapEntry* e = map.find("exit_code")) {
    if (auto value = read_int(reader, *e, 0, 255))
      exec.exit_code = static_cast<int>(*value);
    else
      ok = false;
  }
  if (const MapEntry* e = map.find("timeout")) {
    if (auto value = read_duration(reader, *e))
      exec.timeout = *value;
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return exec;
}

}  // namespace

std::string generated_check_name(const Check& check) {
  if (const auto* log = std::get_if<LogCheck>(&check.body)) {
    if (log->contains) return "log " + log->service + " contains " + quote(truncate(*log->contains));
    return "log " + log->service + " not_contains " + quote(truncate(log->not_contains.value_or("")));
  }
  const auto& exec = std::get<ExecCheck>(check.body);
  std::string name = "exec " + quote(truncate(exec.command));
  if (!exec.service.empty()) name += " in " + exec.service;
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
      reader.error(location, "a check must be a map with one kind (log or exec), got " + describe(item));
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
    if (kind->key == "log") {
      if (auto log = read_log(reader, *kind, services))
        check.body = std::move(*log);
      else
        ok = false;
    } else {
      if (auto exec = read_exec(reader, *kind, services))
        check.body = std::move(*exec);
      else
        ok = false;
    }
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
