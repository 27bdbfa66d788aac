#pragma once
// A celery-beat service's `schedule:`: the periodic entries beat sends, as a list of entries or a map of entry name
// to entry:
//   schedule:
//     - {name: tick, task: probe.record, every: 2s, args: [tick]}
//     - {name: minutely, crontab: "*/1 * * * *"}
// `task` defaults to probe.record (the probe task the ledger records). Each entry has exactly one of `every` (a
// duration) and `crontab` (five fields: minute hour day-of-month month day-of-week). Read into the JSON the fixture
// app builds its beat_schedule from (fixtures/celery/probe.py): {"name", "task", "every": SECONDS | "crontab": "...",
// "args": [...]}.
#include <optional>

#include <nlohmann/json.hpp>

#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

// The entries of `schedule:` in file order; nullopt after reporting what is wrong with them.
std::optional<nlohmann::json> read_beat_schedule(YamlReader& reader, const MapEntry& entry);

}  // namespace harness::scenario
