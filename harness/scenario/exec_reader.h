#pragma once
// What an exec step and an exec check share: `exec: COMMAND`, or a map with 'command' (required), 'service' and
// keys of their own (a step's expect_exit, a check's exit_code and output_contains; each reads its 'timeout').
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

// A scalar `exec:` is the command: stored in `command`, and nullopt returned (there is no map). Otherwise reports a
// value that is not a map ("'exec' must be a shell command or a map with command, service, ... or timeout, got
// ..."), keys not in `keys` and a missing 'command' (both "in CONTEXT"), and a 'service' not in `services` (when
// known); stores 'command' and 'service', and returns the map for the caller's own keys. Every report sets `ok`
// to false. `keys`: all keys of the map form, in the order the message lists them.
std::optional<MapView> read_exec_map(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services,
                                     std::string_view context, const std::vector<std::string_view>& keys,
                                     std::string& command, std::string& service, bool& ok);

}  // namespace harness::scenario
