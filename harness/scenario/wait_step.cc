// wait: a duration (`wait: 5s`), or `{ready, healthy, drained, executed, duration, timeout, fail_on_timeout}`: for
// services to be ready or healthy, for the loads to drain, for N task executions (`executed: 2`: tasks of the
// loads are running, so a fault that follows strikes tasks in flight), or for a fixed duration. Runs in run/wait_step.cc.
#include <algorithm>

#include "harness/scenario/duration.h"
#include "harness/scenario/service_reader.h"
#include "harness/scenario/step_reader.h"
#include "harness/scenario/step_syntax.h"

namespace harness::scenario {

namespace {

const std::vector<std::string_view> k_wait_keys{"ready",    "healthy", "drained",        "executed",
                                                "duration", "timeout", "fail_on_timeout"};

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
                 "'wait' must be a duration (e.g. 10s) or a map with ready, healthy, drained, executed, duration "
                 "or timeout, got " +
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
                                          " in a wait step (it waits for a duration, for drained, for executed, or for services)");
        ok = false;
      }
    }
  };
  exclusive("duration", {"ready", "healthy", "drained", "executed", "timeout", "fail_on_timeout"});
  exclusive("drained", {"ready", "healthy", "executed"});
  exclusive("executed", {"ready", "healthy"});
  if (const MapEntry* e = map.find("executed")) assign_or_fail(read_int(reader, *e, 1), wait.executed, ok);
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

const bool k_registered = step_syntaxes().add({.name = "wait",
                                               .listed_at = 1,
                                               .keys = k_wait_keys,
                                               .summary = "for services to be ready or healthy, for the loads to "
                                                          "drain, for N task executions, or for a duration",
                                               .read = step_params_reader<read_wait>});

}  // namespace

}  // namespace harness::scenario
