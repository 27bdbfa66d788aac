#include "harness/scenario/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <regex>

#include "harness/scenario/duration.h"

namespace harness::scenario {

namespace {

constexpr int k_max_json_depth = 64;
// Values a `config:` may expand to: YAML aliases can make a small file expand exponentially ("billion laughs").
constexpr int k_max_json_values = 100'000;
constexpr std::string_view k_duration_examples = "e.g. 500ms, 10s, 1m30s";

// yaml-cpp tags a plain (unquoted, untagged) scalar "?"; a quoted one "!".
bool is_plain(const YAML::Node& node) { return node.Tag() == "?"; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

template <typename T>
std::optional<T> parse_integer(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::optional<nlohmann::json> plain_scalar_to_json(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return nlohmann::json(true);
  if (s == "false" || s == "False" || s == "FALSE") return nlohmann::json(false);
  static const std::regex k_int(R"([-+]?[0-9]+)");
  static const std::regex k_float(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(s, k_int)) {
    const std::string_view digits = s.front() == '+' ? std::string_view(s).substr(1) : std::string_view(s);
    if (auto i = parse_integer<std::int64_t>(digits)) return nlohmann::json(*i);
    if (auto u = parse_integer<std::uint64_t>(digits)) return nlohmann::json(*u);
  }
  if (std::regex_match(s, k_float)) {
    const double value = std::strtod(s.c_str(), nullptr);
    if (std::isfinite(value)) return nlohmann::json(value);  // JSON has no infinity: "1e999" stays a string
  }
  return std::nullopt;
}

std::optional<nlohmann::json> to_json(YamlReader& reader, const YAML::Node& node, std::string_view key, int depth,
                                      int& values_left) {
  if (depth > k_max_json_depth) {
    reader.error(reader.location(node),
                 quote(key) + " is nested too deeply (more than " + std::to_string(k_max_json_depth) + " levels)");
    return std::nullopt;
  }
  if (--values_left < 0) {
    if (values_left == -1)  // once
      reader.error(reader.location(node),
                   quote(key) + " is too large (more than " + std::to_string(k_max_json_values) + " values)");
    return std::nullopt;
  }
  if (node.IsNull()) return nlohmann::json(nullptr);
  if (node.IsScalar()) {
    if (is_plain(node))
      if (auto value = plain_scalar_to_json(node.Scalar())) return value;
    return nlohmann::json(node.Scalar());
  }
  bool ok = true;
  if (node.IsSequence()) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& item : node) {
      auto value = to_json(reader, item, key, depth + 1, values_left);
      if (value)
        array.push_back(std::move(*value));
      else
        ok = false;
    }
    return ok ? std::optional(std::move(array)) : std::nullopt;
  }
  MapView map(reader, node);
  nlohmann::json object = nlohmann::json::object();
  for (const auto& entry : map.entries()) {
    auto value = to_json(reader, entry.value, key, depth + 1, values_left);
    if (value)
      object[entry.key] = std::move(*value);
    else
      ok = false;
  }
  return ok ? std::optional(std::move(object)) : std::nullopt;
}

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

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  const std::string w = lower(word);
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    const std::string c = lower(candidate);
    const std::size_t distance = edit_distance(w, c);
    // An edit that rewrites the whole word ('b' -> 'w') is no suggestion; nor is a prefix of one or two letters.
    const bool close = distance <= 2 && distance < w.size();
    const bool prefix = std::min(w.size(), c.size()) >= 3 && (c.starts_with(w) || w.starts_with(c));
    if (!close && !prefix) continue;
    if (!best || distance < best_distance) {
      best = std::string(candidate);
      best_distance = distance;
    }
  }
  return best;
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  return closest_match(word, std::vector<std::string_view>(candidates.begin(), candidates.end()));
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  if (auto suggestion = closest_match(word, candidates)) return " (did you mean " + quote(*suggestion) + "?)";
  return "";
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
    const std::string s = lower(entry.value.Scalar());
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
  if (is_plain(entry.value) && !text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
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

std::optional<nlohmann::json> read_json(YamlReader& reader, const YAML::Node& node, std::string_view key) {
  int values_left = k_max_json_values;
  return to_json(reader, node, key, 0, values_left);
}

}  // namespace harness::scenario
