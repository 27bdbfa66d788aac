#include "harness/scenario/exec_reader.h"

#include "harness/scenario/service_reader.h"

namespace harness::scenario {

std::optional<MapView> read_exec_map(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services,
                                     std::string_view context, const std::vector<std::string_view>& keys,
                                     std::string& command, std::string& service, bool& ok) {
  if (entry.value.IsScalar()) {  // `exec: some shell command`
    assign_or_fail(read_nonempty_string(reader, entry), command, ok);
    reader.note_placeholders(entry.value, PlaceholderScope::k_run);
    return std::nullopt;
  }
  // "command, service, timeout or expect_exit"
  auto map = read_map(reader, entry, "'exec' must be a shell command or a map with " + join_or(keys), keys, context);
  if (!map) {
    ok = false;
    return std::nullopt;
  }
  const MapEntry* command_entry = map->require(reader, "command", context);
  if (command_entry) {
    assign_or_fail(read_nonempty_string(reader, *command_entry), command, ok);
    reader.note_placeholders(command_entry->value, PlaceholderScope::k_run);
  } else
    ok = false;
  if (const MapEntry* e = map->find("service")) {
    if (auto value = read_nonempty_string(reader, *e)) {
      service = *value;
      if (services && !resolve_service(reader, *services, *value, e->location, context)) ok = false;
    } else {
      ok = false;
    }
  }
  return map;
}

}  // namespace harness::scenario
