// load: `{task, count | duration, rate, args, kwargs, queue, service, publish}`: publishes tasks through a real
// Celery client in the background while later steps run. Named "load-N" (N counts load steps from 1) unless the
// step has a `name:`. Runs in run/load_step.cc.
#include <algorithm>
#include <cmath>

#include "harness/scenario/duration.h"
#include "harness/scenario/service_reader.h"
#include "harness/scenario/step_syntax.h"

namespace harness::scenario {

namespace {

const std::vector<std::string_view> k_load_keys{"task", "count", "duration", "rate", "args", "kwargs", "queue",
                                                "service", "publish"};
const std::vector<std::string_view> k_publish_keys{"confirm_publish", "retry", "retry_policy", "timeout",
                                                   "delivery_mode", "countdown", "eta", "expires", "priority",
                                                   "headers", "routing_key"};
const std::vector<std::string_view> k_retry_policy_keys{"max_retries", "interval_start", "interval_step",
                                                        "interval_max"};

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

double seconds_of(Millis d) { return static_cast<double>(d.count()) / 1000.0; }

// countdown, eta, expires, priority, headers, routing_key: apply_async's scheduling and routing options.
bool read_apply_options(YamlReader& reader, const MapView& map, PublishOptions& publish) {
  bool ok = true;
  if (const MapEntry* e = map.find("countdown")) {
    if (auto d = read_duration(reader, *e, DurationRule::k_any)) publish.apply["countdown"] = seconds_of(*d); else ok = false;
  }
  if (const MapEntry* e = map.find("expires")) {
    if (auto d = read_duration(reader, *e)) publish.apply["expires"] = seconds_of(*d); else ok = false;
  }
  if (const MapEntry* e = map.find("eta")) assign_or_fail(read_duration(reader, *e, DurationRule::k_any), publish.eta, ok);
  if (const MapEntry* e = map.find("priority")) {
    if (auto n = read_int(reader, *e, 0, 255)) publish.apply["priority"] = *n; else ok = false;
  }
  if (const MapEntry* e = map.find("routing_key")) {
    if (auto key = read_nonempty_string(reader, *e)) publish.apply["routing_key"] = *key; else ok = false;
  }
  if (const MapEntry* e = map.find("headers")) {
    if (!e->value.IsMap()) {
      reader.error(e->location, "'headers' must be a map (message headers, e.g. {tenant: a}), got " + describe(e->value));
      ok = false;
    } else if (auto headers = read_json(reader, e->value, e->key)) {
      publish.apply["headers"] = *headers;
    } else {
      ok = false;
    }
  }
  return ok;
}

std::optional<PublishOptions> read_publish(YamlReader& reader, const MapEntry& entry) {
  auto map = read_map(reader, entry,
                      "'publish' must be a map with confirm_publish, retry, retry_policy, timeout, delivery_mode, "
                      "countdown, eta, expires, priority, headers or routing_key",
                      k_publish_keys, "publish options");
  if (!map) return std::nullopt;
  PublishOptions publish;
  bool ok = read_apply_options(reader, *map, publish);
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
            publish.retry_policy[item.key] = seconds_of(*d);
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

std::shared_ptr<const KindParams> read(YamlReader& reader, const MapEntry& entry, const StepContext& context) {
  auto load = read_load(reader, entry, context.services);
  if (!load) return nullptr;
  load->name = context.name.empty() ? "load-" + std::to_string(context.ordinal) : context.name;
  return std::make_shared<const LoadStep>(std::move(*load));
}

const bool k_registered = step_syntaxes().add({.name = "load",
                                               .listed_at = 4,
                                               .keys = k_load_keys,
                                               .summary = "publish tasks through a real Celery client in the "
                                                          "background while later steps run",
                                               .read = read});

}  // namespace

}  // namespace harness::scenario
