#include "harness/scenario/step_reader.h"

#include <algorithm>
#include <cmath>

#include "harness/scenario/duration.h"
#include "harness/scenario/exec_reader.h"
#include "harness/scenario/fault_reader.h"
#include "harness/scenario/service_reader.h"

namespace harness::scenario {

namespace {

const KindKeys k_step_keys{"step", "action", {"wait", "exec", "fault", "load"}, {"at", "for", "name"}, {}};
const std::vector<std::string_view> k_wait_keys{"ready", "healthy", "drained", "duration", "timeout",
                                                "fail_on_timeout"};
const std::vector<std::string_view> k_load_keys{"task", "count", "duration", "rate", "args", "kwargs", "queue",
                                                "service", "publish"};
const std::vector<std::string_view> k_publish_keys{"confirm_publish", "retry", "retry_policy", "timeout",
                                                   "delivery_mode"};
const std::vector<std::string_view> k_retry_policy_keys{"max_retries", "interval_start", "interval_step",
                                                        "interval_max"};
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
                 "'wait' must be a duration (e.g. 10s) or a map with ready, healthy, drained, duration or "
                 "timeout, got " +
                     describe(entry.value));
    return std::nullopt;
  }
  MapView map(reader, entry.value);
  bool ok = true;
  for (const auto& e : map.entries()) {
    if (std::find(k_wait_keys.begin(), k_wait_keys.end(), e.key) == k_wait_keys.end()) {
      report_unknown_key(reader, e, k_wait_keys, "wait step");
      ok = false;
    }
  }
  // A wait is for a duration, or for a drain, or for services: the runner does one, the others' keys would do nothing.
  const auto exclusive = [&](std::string_view key, const std::vector<std::string_view>& others) {
    if (!map.find(key)) return;
    for (const auto& other : others) {
      if (const MapEntry* e = map.find(other)) {
        reader.error(e->key_location, quote(other) + " cannot be combined with " + quote(key) +
                                          " in a wait step (it waits for a duration, for drained, or for services)");
        ok = false;
      }
    }
  };
  exclusive("duration", {"ready", "healthy", "drained", "timeout", "fail_on_timeout"});
  exclusive("drained", {"ready", "healthy"});
  if (const MapEntry* e = map.find("drained")) assign_or_fail(read_bool(reader, *e), wait.drained, ok);
  if (const MapEntry* e = map.find("fail_on_timeout")) assign_or_fail(read_bool(reader, *e), wait.fail_on_timeout, ok);

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

// `rate: 50`, `rate: 50/s` or `rate: 600/m`: tasks per second.
std::optional<double> read_rate(YamlReader& reader, const MapEntry& entry) {
  const std::string text = entry.value.IsScalar() ? entry.value.Scalar() : std::string();
  std::string number = text;
  double per = 1.0;
  if (number.ends_with("/s")) {
    number.resize(number.size() - 2);
  } else if (number.ends_with("/m")) {
    number.resize(number.size() - 2);
    per = 60.0;
  }
  double value = -1;
  std::size_t used = 0;
  try {
    value = number.empty() || std::isspace(static_cast<unsigned char>(number.front())) ? -1 : std::stod(number, &used);
  } catch (const std::exception&) {
    value = -1;
  }
  if (!entry.value.IsScalar() || used != number.size() || !(value >= 0) || !std::isfinite(value)) {
    reader.error(entry.location,
                 "'rate' must be tasks per second, e.g. 50, 50/s or 600/m (0 = as fast as possible), got " +
                     describe(entry.value));
    return std::nullopt;
  }
  return value / per;
}

std::optional<PublishOptions> read_publish(YamlReader& reader, const MapEntry& entry) {
  auto map = read_map(reader, entry,
                      "'publish' must be a map with confirm_publish, retry, retry_policy, timeout or delivery_mode",
                      k_publish_keys, "publish options");
  if (!map) return std::nullopt;
  PublishOptions publish;
  bool ok = true;
  if (const MapEntry* e = map->find("confirm_publish")) assign_or_fail(read_bool(reader, *e), publish.confirm_publish, ok);
  if (const MapEntry* e = map->find("retry")) assign_or_fail(read_bool(reader, *e), publish.retry, ok);
  if (const MapEntry* e = map->find("timeout")) assign_or_fail(read_duration(reader, *e), publish.timeout, ok);
  if (const MapEntry* e = map->find("delivery_mode")) assign_or_fail(read_int(reader, *e, 1, 2), publish.delivery_mode, ok);
  if (const MapEntry* e = map->find("retry_policy")) {
    // Celery's task_publish_retry_policy: max_retries (a count), the intervals in seconds (durations here).
    auto policy = read_map(reader, *e, "'retry_policy' must be a map with max_retries, interval_start, "
                                       "interval_step or interval_max", k_retry_policy_keys, "retry_policy");
    if (!policy) {
      ok = false;
    } else {
      for (const auto& item : policy->entries()) {
        if (item.key == "max_retries") {
          if (auto n = read_int(reader, item, 0)) publish.retry_policy[item.key] = *n; else ok = false;
        } else if (std::find(k_retry_policy_keys.begin(), k_retry_policy_keys.end(), item.key) !=
                   k_retry_policy_keys.end()) {
          if (auto d = read_duration(reader, item, DurationRule::k_any))
            publish.retry_policy[item.key] = static_cast<double>(d->count()) / 1000.0;
          else
            ok = false;
        }
      }
    }
  }
  if (!ok) return std::nullopt;
  return publish;
}

// `load: {task, count | duration, rate, args, kwargs, queue, service, publish}`.
std::optional<LoadStep> read_load(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  const std::string context = "load step";
  auto map = read_map(reader, entry,
                      "'load' must be a map with task, count or duration, rate, args, kwargs, queue, service or publish",
                      k_load_keys, context);
  if (!map) return std::nullopt;
  LoadStep load;
  bool ok = true;
  if (const MapEntry* e = map->find("task")) assign_or_fail(read_nonempty_string(reader, *e), load.task, ok);
  if (const MapEntry* e = map->find("count")) assign_or_fail(read_int(reader, *e, 1, std::int64_t{100'000'000}), load.count, ok);
  if (const MapEntry* e = map->find("duration")) assign_or_fail(read_duration(reader, *e), load.duration, ok);
  if (!map->find("count") && !map->find("duration")) {
    reader.error(map->location(), "load step needs 'count' or 'duration' (or both: whichever comes first)");
    ok = false;
  }
  if (const MapEntry* e = map->find("rate")) assign_or_fail(read_rate(reader, *e), load.rate, ok);
  // The task's arguments, as apply_async(args=..., kwargs=...) takes them; their strings expand placeholders.
  if (const MapEntry* e = map->find("args")) {
    if (!e->value.IsSequence()) {
      reader.error(e->location, "'args' must be a list (the task's positional arguments, e.g. [0.5]; keyword "
                                "arguments go in 'kwargs'), got " + describe(e->value));
      ok = false;
    } else {
      assign_or_fail(read_json(reader, e->value, e->key), load.args, ok);
    }
  }
  if (const MapEntry* e = map->find("kwargs")) {
    if (!e->value.IsMap()) {
      reader.error(e->location, "'kwargs' must be a map (the task's keyword arguments, e.g. {delay: 0.5}), got " +
                                    describe(e->value));
      ok = false;
    } else {
      assign_or_fail(read_json(reader, e->value, e->key), load.kwargs, ok);
    }
  }
  if (const MapEntry* e = map->find("queue")) assign_or_fail(read_nonempty_string(reader, *e), load.queue, ok);
  for (const char* key : {"task", "args", "kwargs", "queue"})
    if (const MapEntry* e = map->find(key)) reader.note_placeholders(e->value, PlaceholderScope::k_run);
  if (const MapEntry* e = map->find("publish")) assign_or_fail(read_publish(reader, *e), load.publish, ok);
  if (const MapEntry* e = map->find("service")) {
    if (auto name = read_nonempty_string(reader, *e)) {
      load.service = *name;
      const Service* service = services ? resolve_service(reader, *services, *name, e->location, context) : nullptr;
      if (services && !service) {
        ok = false;
      } else if (service && service->kind != ServiceKind::k_celery_worker) {
        reader.error(e->location, "load step publishes through the Celery client of a celery-worker service, but " +
                                      quote(*name) + " is a " + to_string(service->kind) + " service");
        ok = false;
      }
    } else {
      ok = false;
    }
  } else if (services) {
    // The first celery-worker service's environment (its broker and settings) by default.
    for (const auto& service : *services) {
      if (service.kind == ServiceKind::k_celery_worker) {
        load.service = service.name;
        break;
      }
    }
    if (load.service.empty()) {
      reader.error(entry.key_location, "load step needs a celery-worker service to publish through (none is defined)");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return load;
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
  int loads = 0;
  for (const auto& item : entry.value) {
    const SourceLocation location = item.IsNull() ? entry.location : reader.location(item);
    if (!item.IsMap()) {
      reader.error(location, "a step must be a map with one action (wait, exec, fault or load), got " + describe(item));
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
    } else if (action->key == "load") {
      if (auto load = read_load(reader, *action, services)) {
        ++loads;
        load->name = step.name.empty() ? "load-" + std::to_string(loads) : step.name;
        step.body = std::move(*load);
      }
    } else {
      if (auto fault = read_fault(reader, *action, services, for_entry)) step.body = std::move(*fault);
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace harness::scenario
