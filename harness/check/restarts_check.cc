#include "harness/check/restarts_check.h"

#include "harness/check/check_kind.h"
#include "harness/check/instance_events.h"
#include "harness/history/event_type.h"
#include "harness/scenario/check_syntax.h"

namespace harness::check {

Verdict judge_restarts(const RestartsParams& spec, const std::string& name, const std::string& classname,
                       const std::vector<history::Event>& history) {
  Verdict v;
  v.name = name;
  v.classname = classname;
  if (auto why = never_started(history, spec.service); !why.empty()) {
    v.outcome = Outcome::k_error;
    v.message = why;
    return v;
  }
  int count = 0;
  for (const auto& e : history) {
    if (history::is(e, history::EventType::k_service_restarted) && instance_of(e.service, spec.service)) {
      ++count;
      v.details += e.service + " restarted at " + tenths(e.t) + ": " + e.data.value("reason", std::string{}) + "\n";
    }
  }
  const bool ok = (!spec.min || count >= *spec.min) && (!spec.max || count <= *spec.max);
  std::string expected;
  if (spec.min && spec.max) {
    expected = "between " + std::to_string(*spec.min) + " and " + std::to_string(*spec.max);
  } else if (spec.min) {
    expected = "at least " + std::to_string(*spec.min);
  } else {
    expected = "at most " + std::to_string(spec.max.value_or(0));
  }
  v.outcome = ok ? Outcome::k_passed : Outcome::k_failed;
  v.message = (ok ? "" : "expected " + expected + " restart(s) of '" + spec.service + "'; ") +
              std::to_string(count) + " restart(s)" + (ok ? " (expected " + expected + ")" : "");
  return v;
}

// The kind, registered.
namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_restarts_keys{"service", "min", "max"};

std::optional<RestartsParams> read_restarts(YamlReader& reader, const MapEntry& entry,
                                           const std::vector<Service>* services) {
  const std::string context = "restarts check";
  auto map = read_map(reader, entry, "'restarts' must be a map with 'service' and 'min' or 'max' (or both)",
                      k_restarts_keys, context);
  if (!map) return std::nullopt;
  RestartsParams restarts;
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

std::string restarts_name(const KindParams& params) {
  const auto& restarts = params_as<RestartsParams>(params);
  const std::string name = "restarts " + restarts.service;
  if (restarts.min && restarts.max)
    return name + " " + std::to_string(*restarts.min) + ".." + std::to_string(*restarts.max);
  if (restarts.min) return name + " >= " + std::to_string(*restarts.min);
  return name + " <= " + std::to_string(restarts.max.value_or(0));
}

const bool k_restarts_registered = add_kind({
    .name = "restarts",
    .listed_at = 3,
    .keys = k_restarts_keys,
    .summary = "how many times the orchestrator restarted a service's instances (min, max)",
    .read = params_reader<read_restarts>,
    .generated_name = restarts_name,
}, {
    .judge = [](const Check& check, const std::string& classname, JudgeContext& context) {
      return judge_restarts(params_of<RestartsParams>(check), check.name, classname, context.history.events());
    },
});
}  // namespace

}  // namespace harness::check
