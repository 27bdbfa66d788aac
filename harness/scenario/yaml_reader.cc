#include "harness/scenario/yaml_reader.h"

#include <algorithm>

#include "harness/scenario/duration.h"

namespace harness::scenario {

namespace {

constexpr std::string_view k_duration_examples = "e.g. 500ms, 10s, 1m30s";

}  // namespace

// --- YamlReader ----------------------------------------------------------------------------------------------

SourceLocation YamlReader::location(const YAML::Mark& mark) const {
  if (mark.line < 0) return SourceLocation{m_file_name, 0, 0};
  return SourceLocation{m_file_name, mark.line + 1, mark.column + 1};
}

SourceLocation YamlReader::location(const YAML::Node& node) const { return location(node.Mark()); }

void YamlReader::error(const SourceLocation& at, std::string message) {
  m_diagnostics.push_back(Diagnostic{at, std::move(message)});
}

std::vector<Diagnostic> YamlReader::take_diagnostics() {
  std::stable_sort(m_diagnostics.begin(), m_diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return is_before(a.location, b.location); });
  return std::move(m_diagnostics);
}

void YamlReader::note_placeholders(const YAML::Node& node, PlaceholderScope scope) {
  if (node.IsScalar()) {
    if (node.Scalar().find("{{") != std::string::npos) m_noted.push_back(NotedValue{node, scope});
  } else if (node.IsSequence()) {
    for (const auto& item : node) note_placeholders(item, scope);
  } else if (node.IsMap()) {
    for (const auto& item : node) note_placeholders(item.second, scope);
  }
}

SourceLocation YamlReader::placeholder_location(const YAML::Node& scalar, std::string_view needle,
                                                std::size_t occurrence) const {
  const YAML::Mark mark = scalar.Mark();
  if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= m_source.size()) return location(scalar);
  const std::size_t start = static_cast<std::size_t>(mark.pos);
  // Not past where the scalar can end: its text is seldom much longer in the file than decoded.
  const std::size_t limit = std::min(m_source.size(), start + 2 * scalar.Scalar().size() + 16);
  std::size_t found = start;
  for (std::size_t i = 0;; ++i, ++found) {
    found = m_source.find(needle, found);
    if (found == std::string::npos || found + needle.size() > limit) return location(scalar);
    if (i == occurrence) break;
  }
  SourceLocation at = location(scalar);
  for (std::size_t i = start; i < found; ++i) {
    if (m_source[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
  }
  return at;
}

// --- MapView -------------------------------------------------------------------------------------------------

MapView::MapView(YamlReader& reader, const YAML::Node& map) : m_location(reader.location(map)) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node& key = it->first;
    const YAML::Node& value = it->second;
    const SourceLocation key_location = reader.location(key);
    if (!key.IsScalar()) {
      reader.error(key_location, "map keys must be strings, got " + describe(key));
      continue;
    }
    if (const MapEntry* first = find(key.Scalar())) {
      reader.error(key_location, "duplicate key " + quote(key.Scalar()) + " (first defined at line " +
                                     std::to_string(first->key_location.line) + ")");
      continue;
    }
    const SourceLocation value_location = value.IsNull() ? key_location : reader.location(value);
    m_entries.push_back(MapEntry{key.Scalar(), key, value, key_location, value_location});
  }
}

const MapEntry* MapView::find(std::string_view key) const {
  for (const auto& entry : m_entries)
    if (entry.key == key) return &entry;
  return nullptr;
}

void MapView::report_unknown_keys(YamlReader& reader, const std::vector<std::string_view>& known,
                                  std::string_view context) const {
  for (const auto& entry : m_entries)
    if (std::find(known.begin(), known.end(), entry.key) == known.end())
      report_unknown_key(reader, entry, known, context);
}

const MapEntry* MapView::require(YamlReader& reader, std::string_view key, std::string_view context) const {
  if (const MapEntry* entry = find(key)) return entry;
  std::string message = "missing required key " + quote(key);
  if (!context.empty()) message += " in " + std::string(context);
  reader.error(m_location, std::move(message));
  return nullptr;
}

void report_unknown_key(YamlReader& reader, const MapEntry& entry, const std::vector<std::string_view>& known,
                        std::string_view context) {
  std::string message = "unknown key " + quote(entry.key);
  if (!context.empty()) message += " in " + std::string(context);
  if (entry.key == "<<") {
    // yaml-cpp 0.7 does not implement YAML 1.1 merge keys; they arrive as a key named "<<".
    reader.error(entry.key_location, message +
                                         " (YAML merge keys are not supported: write the keys out, or "
                                         "anchor a whole value, e.g. 'healthcheck: *common')");
    return;
  }
  if (auto suggestion = closest_match(entry.key, known))
    message += " (did you mean " + quote(*suggestion) + "?)";
  else
    message += " (expected one of: " + join(known) + ")";
  reader.error(entry.key_location, std::move(message));
}

const MapEntry* find_kind_entry(YamlReader& reader, const MapView& map, const KindKeys& keys) {
  const auto contains = [](const std::vector<std::string_view>& list, const std::string& key) {
    return std::find(list.begin(), list.end(), key) != list.end();
  };
  std::vector<std::string_view> known = keys.kinds;
  known.insert(known.end(), keys.others.begin(), keys.others.end());
  const bool catalogue = keys.naming == KindNaming::k_catalogue;
  std::vector<std::string_view> catalogue_words = keys.kinds;
  catalogue_words.insert(catalogue_words.end(), keys.future.begin(), keys.future.end());

  std::vector<const MapEntry*> found;
  bool other_problem = false;
  for (const auto& entry : map.entries()) {
    if (contains(keys.kinds, entry.key)) {
      found.push_back(&entry);
    } else if (contains(keys.future, entry.key)) {
      const std::string label = catalogue ? std::string(keys.noun) : std::string(keys.noun) + " kind";
      reader.error(entry.key_location,
                   label + " " + quote(entry.key) + " is not supported yet (supported: " + join(keys.kinds) + ")");
      other_problem = true;
    } else if (contains(keys.others, entry.key)) {
      continue;
    } else if (catalogue) {
      std::string message = "unknown " + std::string(keys.noun) + " " + quote(entry.key);
      if (auto suggestion = closest_match(entry.key, catalogue_words))
        message += " (did you mean " + quote(*suggestion) + "?)";
      else
        message += " (expected one of: " + join(keys.kinds) + ")";
      reader.error(entry.key_location, std::move(message));
      other_problem = true;
    } else {
      report_unknown_key(reader, entry, known, keys.noun);
      other_problem = true;
    }
  }
  if (found.size() > 1) {
    std::vector<std::string> names;
    for (const MapEntry* entry : found) names.push_back(quote(entry->key));
    reader.error(found[1]->key_location, std::string(keys.noun) + " has more than one " + std::string(keys.kind_word) +
                                             ": " + join(names) + " (expected exactly one of: " + join(keys.kinds) +
                                             ")");
    return nullptr;
  }
  if (found.empty()) {
    if (!other_problem)
      reader.error(map.location(), std::string(keys.noun) + " has no " + std::string(keys.kind_word) +
                                       " (expected one of: " + join(keys.kinds) + ")");
    return nullptr;
  }
  return found.front();
}

bool is_plain_scalar(const YAML::Node& node) { return node.Tag() == "?"; }

// --- words -----------------------------------------------------------------------------------------------------

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined()) return "nothing";
  if (node.IsNull()) return "null";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return quote(truncate(node.Scalar()));
}

std::string quote(std::string_view text) { return "'" + std::string(text) + "'"; }

bool is_before(const SourceLocation& a, const SourceLocation& b) {
  return std::pair(a.line, a.column) < std::pair(b.line, b.column);
}

std::string join(const std::vector<std::string_view>& words, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += separator;
    out += words[i];
  }
  return out;
}

std::string join(const std::vector<std::string>& words, std::string_view separator) {
  return join(std::vector<std::string_view>(words.begin(), words.end()), separator);
}

std::string join_or(const std::vector<std::string_view>& words) {
  if (words.size() < 2) return join(words);
  return join(std::vector<std::string_view>(words.begin(), words.end() - 1)) + " or " + std::string(words.back());
}

std::string truncate(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  return std::string(s.substr(0, max)) + "...";
}

// --- typed values ----------------------------------------------------------------------------------------------

std::optional<std::string> read_string(YamlReader& reader, const MapEntry& entry) {
  if (entry.value.IsScalar()) return entry.value.Scalar();
  reader.error(entry.location, quote(entry.key) + " must be a string, got " + describe(entry.value));
  return std::nullopt;
}

std::optional<std::string> read_nonempty_string(YamlReader& reader, const MapEntry& entry) {
  auto value = read_string(reader, entry);
  if (value && value->empty()) {
    reader.error(entry.location, quote(entry.key) + " must not be empty");
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> read_int(YamlReader& reader, const MapEntry& entry, std::int64_t min, std::int64_t max) {
  std::optional<std::int64_t> value;
  if (entry.value.IsScalar()) value = parse_integer<std::int64_t>(entry.value.Scalar());
  if (value && *value >= min && *value <= max) return value;
  std::string expected = "an integer";
  if (max != std::numeric_limits<int>::max())
    expected += " from " + std::to_string(min) + " to " + std::to_string(max);
  else if (min != std::numeric_limits<std::int64_t>::min())
    expected += " >= " + std::to_string(min);
  reader.error(entry.location, quote(entry.key) + " must be " + expected + ", got " + describe(entry.value));
  return std::nullopt;
}

std::optional<std::uint64_t> read_unsigned(YamlReader& reader, const MapEntry& entry) {
  if (entry.value.IsScalar())
    if (auto value = parse_integer<std::uint64_t>(entry.value.Scalar())) return value;
  reader.error(entry.location, quote(entry.key) + " must be an unsigned integer, got " + describe(entry.value));
  return std::nullopt;
}

std::optional<bool> read_bool(YamlReader& reader, const MapEntry& entry) {
  if (entry.value.IsScalar()) {
    const std::string s = ascii_lower(entry.value.Scalar());
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  reader.error(entry.location, quote(entry.key) + " must be true or false, got " + describe(entry.value));
  return std::nullopt;
}

std::optional<Millis> read_duration(YamlReader& reader, const MapEntry& entry, DurationRule rule) {
  if (!entry.value.IsScalar()) {
    reader.error(entry.location, quote(entry.key) + " must be a duration (" + std::string(k_duration_examples) +
                                     "), got " + describe(entry.value));
    return std::nullopt;
  }
  const std::string& text = entry.value.Scalar();
  std::optional<Millis> value;
  if (is_plain_scalar(entry.value) && !text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    // A YAML integer: seconds, as Kubernetes' *Seconds keys. 10 digits (~317 years) is plenty.
    if (text.size() <= 10) value = std::chrono::seconds{*parse_integer<std::int64_t>(text)};
  } else if (auto parsed = parse_duration(text)) {
    value = *parsed;
  }
  if (!value) {
    reader.error(entry.location, "invalid duration " + quote(truncate(text)) + " for " + quote(entry.key) +
                                     " (expected " + std::string(k_duration_examples) + ")");
    return std::nullopt;
  }
  if (rule == DurationRule::k_positive && value->count() == 0) {
    reader.error(entry.location, quote(entry.key) + " must be a positive duration, got " + quote(text));
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> read_choice(YamlReader& reader, const MapEntry& entry,
                                       const std::vector<std::string_view>& choices) {
  if (entry.value.IsScalar() && std::find(choices.begin(), choices.end(), entry.value.Scalar()) != choices.end())
    return entry.value.Scalar();
  if (entry.value.IsScalar()) {
    reader.error(entry.location, "invalid value " + describe(entry.value) + " for " + quote(entry.key) +
                                     " (expected one of: " + join(choices) + ")");
  } else {
    reader.error(entry.location,
                 quote(entry.key) + " must be a string (one of: " + join(choices) + "), got " + describe(entry.value));
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> read_string_list(YamlReader& reader, const MapEntry& entry, bool allow_single) {
  if (allow_single && entry.value.IsScalar()) return std::vector<std::string>{entry.value.Scalar()};
  if (!entry.value.IsSequence()) {
    reader.error(entry.location, quote(entry.key) + " must be a list of strings, got " + describe(entry.value));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  std::size_t index = 0;
  for (const auto& item : entry.value) {
    ++index;
    if (item.IsScalar()) {
      out.push_back(item.Scalar());
      continue;
    }
    const SourceLocation at = item.IsNull() ? entry.location : reader.location(item);
    reader.error(
        at, "entry " + std::to_string(index) + " of " + quote(entry.key) + " must be a string, got " + describe(item));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<MapView> read_map(YamlReader& reader, const MapEntry& entry, std::string_view must_be,
                                const std::vector<std::string_view>& known, std::string_view context) {
  if (!entry.value.IsMap()) {
    reader.error(entry.location, std::string(must_be) + ", got " + describe(entry.value));
    return std::nullopt;
  }
  std::optional<MapView> map(std::in_place, reader, entry.value);
  map->report_unknown_keys(reader, known, context);
  return map;
}

}  // namespace harness::scenario
