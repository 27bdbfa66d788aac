#pragma once
// Reads `steps:` (the timeline: steps run in order, optionally pinned with `at:`; `for:` on fault steps only),
// each through its kind's registered reader (step_syntax.h), and the lists of service names steps and checks
// refer to. Faults: fault_reader.h.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

// `services` is nullptr when `services:` itself was unusable (already reported): references are then not
// checked, rather than each reported again. `timeout` is the scenario's (nullopt when invalid): an `at:` at or
// after it is an error.
std::vector<Step> read_steps(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services,
                             std::optional<Millis> timeout);

// A service name as written in a step or check, and where.
struct ServiceReference {
  std::string name;
  SourceLocation location;
};

// One service name or a list of them (e.g. a wait step's `ready:`). Each is resolved against `services` (when
// known), reporting "REFERRER refers to undefined service 'x' (did you mean 'y'?)" at the offending item; those
// are still returned. nullopt only when the value is not a name or a list of names.
std::optional<std::vector<ServiceReference>> read_service_names(YamlReader& reader, const MapEntry& entry,
                                                                const std::vector<Service>* services,
                                                                std::string_view referrer);

}  // namespace harness::scenario
