#pragma once
// The table of fault kinds the loader reads `fault: {KIND: {...}}` through: each kind's name, keys, one-line
// summary, whether `for:` applies, and its reader. The scenario layer owns the table, the kinds fill it: each
// fault kind's own file in harness/fault/ registers its syntax here and its apply in fault::registry() with one
// call (fault::register_fault), so the loader never names a fault kind and never includes fault/.
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/scenario/yaml_reader.h"
#include "harness/util/registry.h"

namespace harness::scenario {

// A kind's reader: `entry` is `KIND: VALUE` of the step's `fault:`; `services` as read_fault (nullptr = unknown,
// targets not checked). Fills FaultStep::service (the target) and params; nullopt after reporting.
using FaultReadFn =
    std::function<std::optional<FaultStep>(YamlReader& reader, const MapEntry& entry,
                                           const std::vector<Service>* services)>;

struct FaultSyntax {
  std::string_view name;               // "pause"
  std::vector<std::string_view> keys;  // the keys of its map, for messages and `celery-chaos kinds`
  std::string_view summary;            // one line: what it does, what clears it
  // Why `for:` does not apply ("it has no inverse"), or nullptr when the fault has an inverse.
  const char* no_inverse = nullptr;
  FaultReadFn read;
  // A network fault (latency, blackhole, ...): it acts on the fault proxy between the scenario's clients and its
  // target service, so that service's clients are routed through the proxy (scenario/network.h).
  bool network = false;
  // The services a network fault makes proxied when it is not its `service` alone (partition: its services' side);
  // empty: fault.service.
  std::function<std::vector<std::string>(const FaultStep& fault)> proxied_targets = {};
};

// Every registered fault kind, by name.
util::Registry<FaultSyntax>& fault_syntax();

}  // namespace harness::scenario
