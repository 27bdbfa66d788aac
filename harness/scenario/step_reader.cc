#include "harness/scenario/step_reader.h"

#include <algorithm>

#include "harness/scenario/duration.h"
#include "harness/scenario/exec_reader.h"
#include "harness/scenario/fault_reader.h"
#include "harness/scenario/service_reader.h"

namespace harness::scenario {

namespace {

const KindKeys k_step_keys{"step", "action", {"wait", "exec", "fault"}, {"at", "for", "name"}, {"load"}};
const std::vector<std::string_view> k_wait_keys{"ready", "healthy", "duration", "timeout"};
const std::vector<std::string_view> k_exec_keys{"command", "service", "timeout", "expect_exit"};

const Service* find_service(const std::vector<Service>* services, const std::string& name) {
  if (!services) return nullptr;
  for (const auto& service : *services)
    if (service.name == name) return &service;
  return nullptr;
}

std::optional<WaitStep> read_wait(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  WaitStep wait;
  if (entry.value.IsScalar()) {  // `wait: 5s`
    auto duration = read_duration(reader, entry);
    if (!duration) return std::nullopt;
    wait.duration = *duration;
    return wait;
  }
  if (!entry.value.IsMap()) {
    reader.error(entry.location,
                 "'wait' must be a duration (e.g. 10s) or a map with ready, healthy, duration or "
                 "timeout, got " +
                     describe(entry.value));
    return std::nullopt;
  }
  MapView map(reader, entry.value);
  bool ok = true;
  for (const auto& e : map.entries()) {
    if (e.key == "drained") {
      reader.error(e.key_location, "wait key 'drained' is not supported yet (supported: " + join(k_wait_keys) + ")");
      ok = false;
    } else if (std::find(k_wait_keys.begin(), k_wait_keys.end(), e.key) == k_wait_keys.end()) {
      report_unknown_key(reader, e, k_wait_keys, "wait step");
      ok = false;
    }
  }

  if (const MapEntry* e = map.find("ready")) {
    if (e->value.IsScalar() && e->value.Scalar() == "all") {
      if (services)
        for (const auto& service : *services) wait.ready.push_back(service.name);
    } else if (auto names = read_service_names(reader, *e, services, "wait step")) {
      for (auto& ref : *names) wait.ready.push_back(std::move(ref.name));
    } else {
      ok = false;
    }
  }
  if (const MapEntry* e = map.find("healthy")) {
    if (auto names = read_service_names(reader, *e, services, "wait step")) {
      for (auto& ref : *names) {
        const Service* service = find_service(services, ref.name);
        if (service && !has_healthcheck(*service)) {
          reader.error(ref.location,
                       "wait step waits for service " + quote(ref.name) + " to be healthy, but it has no healthcheck");
          ok = false;
        }
        wait.healthy.push_back(std::move(ref.name));
      }
    } else {
      ok = false;
    }
  }
  if (const MapEntry* e = map.find("duration")) assign_or_fail(read_duration(reader, *e), wait.duration, ok);
  if (const MapEntry* e = map.find("timeout")) assign_or_fail(read_duration(reader, *e), wait.timeout, ok);
  if (!ok) return std::nullopt;
  return wait;
}

std::optional<ExecStep> read_exec(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  ExecStep exec;
  bool ok = true;
  if (auto map = read_exec_map(reader, entry, services, "exec step", k_exec_keys, exec.command, exec.service, ok)) {
    if (const MapEntry* e = map->find("timeout")) assign_or_fail(read_duration(reader, *e), exec.timeout, ok);
    if (const MapEntry* e = map->find("expect_exit")) assign_or_fail(read_int(reader, *e, 0, 255), exec.expect_exit, ok);
  }
  if (!ok) return std::nullopt;
  return exec;
}

}  // namespace

std::optional<std::vector<ServiceReference>> read_service_names(YamlReader& reader, const MapEntry& entry,
                                                                const std::vector<Service>* services,
                                                                std::string_view referrer) {
  std::vector<ServiceReference> names;
  if (entry.value.IsScalar()) {
    names.push_back(ServiceReference{entry.value.Scalar(), entry.location});
  } else if (entry.value.IsSequence()) {
    std::size_t index = 0;
    for (const auto& item : entry.value) {
      ++index;
      if (!item.IsScalar()) {
        reader.error(item.IsNull() ? entry.location : reader.location(item),
                     "entry " + std::to_string(index) + " of " + quote(entry.key) + " must be a service name, got " +
                         describe(item));
        return std::nullopt;
      }
      names.push_back(ServiceReference{item.Scalar(), reader.location(item)});
    }
  } else {
    reader.error(entry.location,
                 quote(entry.key) + " must be a service name or a list of them, got " + describe(entry.value));
    return std::nullopt;
  }
  if (names.empty()) {
    reader.error(entry.location, quote(entry.key) + " must name at least one service");
    return std::nullopt;
  }
  if (services)
    for (const auto& ref : names) resolve_service(reader, *services, ref.name, ref.location, referrer);
  return names;
}

std::vector<Step> read_steps(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services,
                             std::optional<Millis> timeout) {
  if (!entry.value.IsSequence()) {
    reader.error(entry.location, "'steps' must be a list of steps, got " + describe(entry.value));
    return {};
  }
  std::vector<Step> steps;
  std::optional<Millis> previous_at;
  for (const auto& item : entry.value) {
    const SourceLocation location = item.IsNull() ? entry.location : reader.location(item);
    if (!item.IsMap()) {
      reader.error(location, "a step must be a map with one action (wait, exec or fault), got " + describe(item));
      continue;
    }
    MapView map(reader, item);
    Step step;
    step.location = location;
    if (const MapEntry* e = map.find("name"))
      if (auto value = read_nonempty_string(reader, *e)) step.name = *value;
    if (const MapEntry* e = map.find("at")) {
      if (auto at = read_duration(reader, *e, DurationRule::k_any)) {
        step.at = *at;
        if (previous_at && *at < *previous_at) {
          reader.error(e->location, "step 'at' " + format_duration(*at) + " is earlier than the 'at' " +
                                        format_duration(*previous_at) + " of a step before it (steps run in order)");
        } else if (timeout && *at >= *timeout) {
          reader.error(e->location, "step 'at' " + format_duration(*at) + " is not before the scenario timeout " +
                                        format_duration(*timeout));
        }
        previous_at = *at;
      }
    }
    const MapEntry* for_entry = map.find("for");
    if (for_entry)
      if (auto value = read_duration(reader, *for_entry)) step.for_ = *value;

    const MapEntry* action = find_kind_entry(reader, map, k_step_keys);
    if (!action) continue;
    if (for_entry && action->key != "fault")
      reader.error(for_entry->key_location, "'for' applies only to fault steps");
    if (action->key == "wait") {
      if (auto wait = read_wait(reader, *action, services)) step.body = std::move(*wait);
    } else if (action->key == "exec") {
      if (auto exec = read_exec(reader, *action, services)) step.body = std::move(*exec);
    } else {
      if (auto fault = read_fault(reader, *action, services, for_entry)) step.body = std::move(*fault);
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace harness::scenario
