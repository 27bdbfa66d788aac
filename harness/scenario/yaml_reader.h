#pragma once
// Typed reading of a yaml-cpp tree with diagnostics (spelling suggestions in suggest.h, YAML-to-JSON in
// yaml_json.h, both included from here): the scenario readers (service_reader, step_reader,
// check_reader) use only this to look at YAML, so every message has the same shape and every value a location.
//
// Contract: nothing here stops at the first problem. A reader reports what is wrong through YamlReader::error()
// and returns std::nullopt for that value, and the caller carries on with the next one, so one load reports
// every problem in the file. Messages: lower-case start, user values in single quotes, what was expected in
// parentheses, e.g. "'replicas' must be an integer >= 1, got 'two'".
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "harness/scenario/diagnostic.h"
#include "harness/scenario/model.h"
#include "harness/scenario/placeholder_keys.h"
#include "harness/scenario/suggest.h"

namespace harness::scenario {

class YamlReader {
public:
  explicit YamlReader(std::string file_name) : m_file_name(std::move(file_name)) {}

  const std::string& file_name() const { return m_file_name; }
  // yaml-cpp marks are 0-based; SourceLocation is 1-based. A node without a mark gives line 0.
  SourceLocation location(const YAML::Node& node) const;
  SourceLocation location(const YAML::Mark& mark) const;

  void error(const SourceLocation& at, std::string message);
  // The diagnostics so far, ordered by position in the file (stable: same position keeps report order).
  std::vector<Diagnostic> take_diagnostics();

  // The file's text, so that placeholder_location() can point into a scalar. Without it, a scalar's own location.
  void set_source(std::string text) { m_source = std::move(text); }
  // Where the `occurrence`-th (0-based) `needle` of `scalar`'s value stands in the file: found in the source from
  // the scalar's start on (a quoted scalar's escapes or a block scalar's indentation move it), else the scalar's
  // location.
  SourceLocation placeholder_location(const YAML::Node& scalar, std::string_view needle, std::size_t occurrence) const;

  // Values that expand {{placeholders}}, noted while reading (every scalar under `node`, map values and list
  // items), and checked once every service is known (the loader's check_placeholders).
  struct NotedValue {
    YAML::Node node;
    PlaceholderScope scope;
  };
  void note_placeholders(const YAML::Node& node, PlaceholderScope scope);
  const std::vector<NotedValue>& noted_placeholders() const { return m_noted; }

private:
  std::string m_file_name;
  std::string m_source;
  std::vector<Diagnostic> m_diagnostics;
  std::vector<NotedValue> m_noted;
};

// One `key: value` of a map. `location` is the value's, or the key's when the value is null (yaml-cpp puts a
// null value's mark on the next token, which may be lines away).
struct MapEntry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
  SourceLocation key_location;
  SourceLocation location;
};

// A map's entries in file order. Construction reports keys that are not scalars and duplicate keys (yaml-cpp
// keeps both; the first definition wins, as with most YAML loaders' warnings).
class MapView {
public:
  MapView(YamlReader& reader, const YAML::Node& map);

  const MapEntry* find(std::string_view key) const;
  const std::vector<MapEntry>& entries() const { return m_entries; }
  const SourceLocation& location() const { return m_location; }

  // Reports every key not in `known`: "unknown key 'imgae' in service 'broker' (did you mean 'image'?)", or
  // "(expected one of: ...)" when nothing is close. `context` ("service 'broker'") may be empty (top level).
  void report_unknown_keys(YamlReader& reader, const std::vector<std::string_view>& known,
                           std::string_view context) const;
  // Reports "missing required key 'KEY'" (+ " in CONTEXT") at the map when `key` is absent; returns the entry.
  const MapEntry* require(YamlReader& reader, std::string_view key, std::string_view context) const;

private:
  std::vector<MapEntry> m_entries;
  SourceLocation m_location;
};

// Reports one key that is not in `known` (as MapView::report_unknown_keys does for each).
void report_unknown_key(YamlReader& reader, const MapEntry& entry, const std::vector<std::string_view>& known,
                        std::string_view context);

// How find_kind_entry names a kind key in its messages.
enum class KindNaming {
  // The kind is one key among others (steps, checks): "step kind 'load' is not supported yet (...)",
  // "unknown key 'wiat' in step (did you mean 'wait'?)"; suggestions from the supported kinds and other keys.
  k_key,
  // The map holds nothing but the kind, named from a catalogue (faults): "fault 'disk-alarm' is not supported yet
  // (...)", "unknown fault 'pase' (did you mean 'pause'?)"; suggestions from the whole catalogue (supported and
  // future kinds), so a misspelt future kind leads to the "not supported yet" message, not to a wrong kind.
  k_catalogue,
};

// Maps that are one of several kinds, named by a key: steps (`wait:`, `exec:`), checks (`log:`, `exec:`),
// faults (`pause:`, `kill:`).
struct KindKeys {
  std::string_view noun;                 // "step"
  std::string_view kind_word;            // "action": "step has no action (expected one of: wait, exec)"
  std::vector<std::string_view> kinds;   // supported kinds
  std::vector<std::string_view> others;  // other keys allowed beside the kind key (at, for, name)
  std::vector<std::string_view> future;  // kinds known from the design but not supported yet
  KindNaming naming = KindNaming::k_key;
};
// The map's one kind entry, or nullptr after reporting: unknown keys, "step kind 'load' is not supported yet
// (supported: wait, exec, fault)", "step has more than one action: 'wait', 'exec' (expected exactly one of:
// wait, exec, fault)", and "step has no action (expected one of: wait, exec, fault)" (the latter only when no
// other key was wrong, since a misspelt kind key is the likelier story).
const MapEntry* find_kind_entry(YamlReader& reader, const MapView& map, const KindKeys& keys);

// What a node is, for "got ..." in messages: "'two'" (scalars, quoted, long ones cut), "a list", "a map", "null".
std::string describe(const YAML::Node& node);

// 'text' (user values in messages are single-quoted).
std::string quote(std::string_view text);

// Whether `a` stands before `b` in the file.
bool is_before(const SourceLocation& a, const SourceLocation& b);

// "a, b, c"
std::string join(const std::vector<std::string_view>& words, std::string_view separator = ", ");
// "a, b or c"
std::string join_or(const std::vector<std::string_view>& words);
std::string join(const std::vector<std::string>& words, std::string_view separator = ", ");

// `s` cut to `max` characters with "..." appended when longer.
std::string truncate(std::string_view s, std::size_t max = 40);

// --- typed values; each reports "'KEY' must be ..., got ..." and returns nullopt on a mismatch ------------------

// Any scalar, as written (YAML has no string type to insist on: `name: 123` is the string "123").
std::optional<std::string> read_string(YamlReader& reader, const MapEntry& entry);
// As read_string, and not empty.
std::optional<std::string> read_nonempty_string(YamlReader& reader, const MapEntry& entry);

// An integer in [min, max]: "'replicas' must be an integer >= 1, got 'two'"; with a finite max:
// "'expect_exit' must be an integer from 0 to 255, got '300'".
std::optional<std::int64_t> read_int(YamlReader& reader, const MapEntry& entry,
                                     std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                     std::int64_t max = std::numeric_limits<int>::max());
// "'seed' must be an unsigned integer, got '-1'"
std::optional<std::uint64_t> read_unsigned(YamlReader& reader, const MapEntry& entry);
// true/false, and YAML 1.1's yes/no/on/off (what Compose files use): "'regex' must be true or false, got 'x'".
std::optional<bool> read_bool(YamlReader& reader, const MapEntry& entry);

enum class DurationRule { k_any, k_positive };
// A Compose duration string, or a plain YAML integer meaning seconds.
// "invalid duration '10x' for 'timeout' (expected e.g. 500ms, 10s, 1m30s)";
// k_positive: "'timeout' must be a positive duration, got '0s'".
std::optional<Millis> read_duration(YamlReader& reader, const MapEntry& entry,
                                    DurationRule rule = DurationRule::k_positive);

// One of `choices`: "invalid value 'x' for 'expect' (expected one of: pass, fail)".
std::optional<std::string> read_choice(YamlReader& reader, const MapEntry& entry,
                                       const std::vector<std::string_view>& choices);

// A list of scalars: "'tags' must be a list of strings, got a map"; a bad item:
// "entry 2 of 'tags' must be a string, got a map". With `allow_single`, one scalar is a list of one.
std::optional<std::vector<std::string>> read_string_list(YamlReader& reader, const MapEntry& entry,
                                                         bool allow_single = false);

// `field` = *value, or `ok` = false when there is none (whoever read it has reported why): how a reader keeps one
// optional key, e.g. `if (const MapEntry* e = map.find("timeout")) assign_or_fail(read_duration(reader, *e), x, ok);`.
template <typename T, typename U>
void assign_or_fail(std::optional<U> value, T& field, bool& ok) {
  if (value)
    field = static_cast<T>(std::move(*value));
  else
    ok = false;
}

// The map of an entry whose value must be a map (a check's `log: {...}`, a fault's `policy: {...}`): otherwise
// reports "MUST_BE, got ..." at the value and returns nullopt. Reports the map's keys that are not in `known`
// (see MapView::report_unknown_keys).
std::optional<MapView> read_map(YamlReader& reader, const MapEntry& entry, std::string_view must_be,
                                const std::vector<std::string_view>& known, std::string_view context);

// Whether `node` is a plain scalar (unquoted, untagged: yaml-cpp tags it "?", a quoted one "!"), whose text
// YAML may resolve to a number or a boolean.
bool is_plain_scalar(const YAML::Node& node);

// The whole of `text` as an integer of type T (decimal, optional '-'), or nullopt.
template <typename T>
std::optional<T> parse_integer(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

}  // namespace harness::scenario

// YAML-to-JSON (read_json) lives in its own file; included here so that readers of YAML find it with the rest.
#include "harness/scenario/yaml_json.h"
