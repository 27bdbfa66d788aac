#include "harness/scenario/beat_schedule.h"

#include <set>
#include <sstream>

#include "harness/scenario/yaml_json.h"

namespace harness::scenario {
namespace {

const std::vector<std::string_view> k_entry_keys{"name", "task", "every", "crontab", "args"};

// Five whitespace-separated fields, as Celery's crontab(minute, hour, day_of_month, month_of_year, day_of_week)
// takes them; the fields themselves are Celery's to judge when beat starts.
bool is_crontab(const std::string& text) {
  std::istringstream in(text);
  std::string field;
  int fields = 0;
  while (in >> field) ++fields;
  return fields == 5;
}

// One entry's settings (`map`) named `name`; nullopt after reporting.
std::optional<nlohmann::json> read_entry(YamlReader& reader, const MapView& map, const std::string& name,
                                         const SourceLocation& at) {
  const std::string context = "schedule entry " + quote(name);
  map.report_unknown_keys(reader, k_entry_keys, context);
  bool ok = true;
  nlohmann::json out{{"name", name}, {"task", "probe.record"}, {"args", nlohmann::json::array()}};
  if (const MapEntry* e = map.find("task")) {
    if (auto task = read_nonempty_string(reader, *e)) out["task"] = *task; else ok = false;
  }
  const MapEntry* every = map.find("every");
  const MapEntry* crontab = map.find("crontab");
  if (every && crontab) {
    reader.error(crontab->key_location, context + " has both 'every' and 'crontab' (one of them)");
    ok = false;
  } else if (!every && !crontab) {
    reader.error(at, context + " needs 'every' (e.g. 2s) or 'crontab' (e.g. \"*/1 * * * *\")");
    ok = false;
  } else if (every) {
    if (auto value = read_duration(reader, *every)) out["every"] = static_cast<double>(value->count()) / 1000.0;
    else ok = false;
  } else if (auto value = read_string(reader, *crontab); value && is_crontab(*value)) {
    out["crontab"] = *value;
  } else {
    if (value)
      reader.error(crontab->location, "invalid crontab " + quote(*value) + " for " + context +
                                          " (expected 5 fields: minute hour day-of-month month day-of-week)");
    ok = false;
  }
  if (const MapEntry* e = map.find("args")) {
    if (!e->value.IsSequence()) {
      reader.error(e->location, "'args' of " + context + " must be a list, got " + describe(e->value));
      ok = false;
    } else if (auto args = read_json(reader, e->value, "args")) {
      out["args"] = std::move(*args);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace

std::optional<nlohmann::json> read_beat_schedule(YamlReader& reader, const MapEntry& entry) {
  nlohmann::json entries = nlohmann::json::array();
  std::set<std::string> names;
  bool ok = true;
  const auto add = [&](const std::string& name, const MapView& map, const SourceLocation& at) {
    if (!names.insert(name).second) {
      reader.error(at, "duplicate schedule entry " + quote(name));
      ok = false;
    } else if (auto read = read_entry(reader, map, name, at)) {
      entries.push_back(std::move(*read));
    } else {
      ok = false;
    }
  };
  if (entry.value.IsMap()) {
    const MapView entries_by_name(reader, entry.value);  // outlives the loop: entries() refers into it
    for (const auto& named : entries_by_name.entries()) {
      if (!named.value.IsMap()) {
        reader.error(named.location, "schedule entry " + quote(named.key) + " must be a map (e.g. {every: 2s}), got " +
                                         describe(named.value));
        ok = false;
        continue;
      }
      MapView map(reader, named.value);
      if (const MapEntry* name = map.find("name"))
        reader.error(name->key_location, "schedule entry " + quote(named.key) + " is named by its key: no 'name'");
      add(named.key, map, named.key_location);
    }
  } else if (entry.value.IsSequence() && entry.value.size() > 0) {
    for (const auto& item : entry.value) {
      const SourceLocation at = reader.location(item);
      if (!item.IsMap()) {
        reader.error(at, "schedule entry must be a map (e.g. {name: tick, every: 2s}), got " + describe(item));
        ok = false;
        continue;
      }
      MapView map(reader, item);
      const MapEntry* name = map.require(reader, "name", "schedule entry");
      const auto value = name ? read_nonempty_string(reader, *name) : std::nullopt;
      if (!value) {
        ok = false;
        continue;
      }
      add(*value, map, at);
    }
  } else {
    reader.error(entry.location, "'schedule' must be a non-empty list of entries or a map of entry name to entry, "
                                 "got " + describe(entry.value));
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return entries;
}

}  // namespace harness::scenario
