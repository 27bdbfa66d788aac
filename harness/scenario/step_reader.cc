#include "harness/scenario/step_reader.h"

#include <map>

#include "harness/scenario/duration.h"
#include "harness/scenario/service_reader.h"
#include "harness/scenario/step_syntax.h"

namespace harness::scenario {

namespace {

KindKeys step_keys() { return KindKeys{"step", "action", listed_step_kinds(), {"at", "for", "name"}, {}}; }

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
  std::map<std::string, int> ordinals;  // steps read so far, per kind
  for (const auto& item : entry.value) {
    const SourceLocation location = item.IsNull() ? entry.location : reader.location(item);
    if (!item.IsMap()) {
      reader.error(location,
                   "a step must be a map with one action (" + join_or(listed_step_kinds()) + "), got " + describe(item));
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

    const MapEntry* action = find_kind_entry(reader, map, step_keys());
    if (!action) continue;
    const StepSyntax* syntax = step_syntaxes().find(action->key);
    if (for_entry && !syntax->takes_for)
      reader.error(for_entry->key_location, "'for' applies only to fault steps");
    step.kind = action->key;
    const StepContext context{services, for_entry, step.name, ++ordinals[step.kind]};
    step.params = syntax->read(reader, *action, context);
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace harness::scenario
