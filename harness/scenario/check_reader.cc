#include "harness/scenario/check_reader.h"

#include <algorithm>
#include <map>

#include "harness/scenario/check_syntax.h"
#include "harness/scenario/service_reader.h"
#include "harness/scenario/version_spec.h"

namespace harness::scenario {

namespace {
constexpr std::string_view k_bound_examples = "a number or a comparison such as \"<=5\" or \">0\"";

// The `checks:` item's keys: one kind of the table, and `name`.
KindKeys check_keys() { return KindKeys{"check", "kind", listed_check_kinds(), {"name", "when"}, {}}; }

}  // namespace

// `when: {COMPONENT: SPEC, ...}`: the components fixtures/stack-versions.sh reads, each spec checked now.
bool read_when(YamlReader& reader, const MapEntry& entry, std::map<std::string, std::string>& when) {
  if (!entry.value.IsMap()) {
    reader.error(entry.location, "'when' must be a map of versions such as {kombu: \"<5.4\"}, got " +
                                     describe(entry.value));
    return false;
  }
  bool ok = true;
  MapView map(reader, entry.value);
  map.report_unknown_keys(reader, version_components(), "when");
  for (const auto& e : map.entries()) {
    const auto& known = version_components();
    if (std::find(known.begin(), known.end(), e.key) == known.end()) {
      ok = false;
      continue;
    }
    auto spec = read_nonempty_string(reader, e);
    if (!spec) {
      ok = false;
      continue;
    }
    if (const auto error = version_spec_error(*spec); !error.empty()) {
      reader.error(e.location, "invalid version spec for " + quote(e.key) + ": " + error);
      ok = false;
      continue;
    }
    when[e.key] = *spec;
  }
  return ok;
}

util::Registry<CheckSyntax>& check_syntaxes() {
  static util::Registry<CheckSyntax> table;
  return table;
}

std::vector<std::string_view> listed_check_kinds() { return util::listed_names(check_syntaxes()); }

const Service* read_check_service(YamlReader& reader, const MapView& map, const std::vector<Service>* services,
                                  const std::string& context, std::string& field, bool& ok) {
  return read_service_of_kind(reader, map, "service", services, std::nullopt, context, field, ok);
}

bool read_check_broker(YamlReader& reader, const MapView& map, const std::vector<Service>* services,
                       const std::string& context, std::string& field) {
  bool ok = true;
  read_service_of_kind(reader, map, "broker", services, ServiceKind::k_rabbitmq, context, field, ok);
  return ok;
}

std::optional<CountBound> parse_count_bound(std::string_view text) {
  static const std::pair<std::string_view, CountBound::Op> k_ops[] = {
      {"==", CountBound::Op::k_eq}, {"<=", CountBound::Op::k_le}, {">=", CountBound::Op::k_ge},
      {"<", CountBound::Op::k_lt},  {">", CountBound::Op::k_gt}};
  const auto trim = [](std::string_view& t) {
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  };
  trim(text);
  CountBound bound;
  for (const auto& [symbol, op] : k_ops) {
    if (text.starts_with(symbol)) {
      bound.op = op;
      text.remove_prefix(symbol.size());
      trim(text);
      break;
    }
  }
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  for (char c : text) bound.value = bound.value * 10 + (c - '0');
  return bound;
}

std::optional<CountBound> read_count_bound(YamlReader& reader, const MapEntry& entry) {
  if (!entry.value.IsScalar()) {
    reader.error(entry.location,
                 quote(entry.key) + " must be " + std::string(k_bound_examples) + ", got " + describe(entry.value));
    return std::nullopt;
  }
  const std::string& text = entry.value.Scalar();
  auto bound = parse_count_bound(text);
  if (!bound) {
    reader.error(entry.location, "invalid bound " + quote(truncate(text)) + " for " + quote(entry.key) +
                                     " (expected " + std::string(k_bound_examples) + ")");
    return std::nullopt;
  }
  if (bound->op == CountBound::Op::k_lt && bound->value == 0) {
    reader.error(entry.location,
                 "bound " + quote(text) + " for " + quote(entry.key) + " can never hold (a count is never negative)");
    return std::nullopt;
  }
  return bound;
}

std::string format_bound(const CountBound& bound) {
  static const char* const k_symbols[] = {"==", "<=", "<", ">=", ">"};
  return std::string(k_symbols[static_cast<int>(bound.op)]) + " " + std::to_string(bound.value);
}

std::string generated_check_name(const Check& check) {
  const CheckSyntax* syntax = check_syntaxes().find(check.kind);
  if (syntax == nullptr || check.params == nullptr) return check.kind;
  return syntax->generated_name(*check.params);
}

std::vector<Check> read_checks(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  if (!entry.value.IsSequence()) {
    reader.error(entry.location, "'checks' must be a list of checks, got " + describe(entry.value));
    return {};
  }
  std::vector<Check> checks;
  std::map<std::string, SourceLocation> names;
  for (const auto& item : entry.value) {
    const SourceLocation location = item.IsNull() ? entry.location : reader.location(item);
    if (!item.IsMap()) {
      reader.error(location,
                   "a check must be a map with one kind (" + join_or(listed_check_kinds()) + "), got " +
                       describe(item));
      continue;
    }
    MapView map(reader, item);
    Check check;
    check.location = location;
    bool named = true;
    if (const MapEntry* e = map.find("name")) {
      if (auto value = read_nonempty_string(reader, *e))
        check.name = *value;
      else
        named = false;
    }
    if (const MapEntry* e = map.find("when")) named = read_when(reader, *e, check.when) && named;
    const MapEntry* kind = find_kind_entry(reader, map, check_keys());
    if (!kind) continue;
    check.kind = kind->key;
    check.params = check_syntaxes().find(kind->key)->read(reader, *kind, services);
    const bool ok = check.params != nullptr;
    if (!ok || !named) continue;  // a name made from a broken body would only add confusing duplicates
    if (check.name.empty()) check.name = generated_check_name(check);
    if (auto [it, inserted] = names.emplace(check.name, location); !inserted) {
      reader.error(location, "duplicate check name " + quote(check.name) + " (first used at line " +
                                 std::to_string(it->second.line) + ")");
      continue;
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

}  // namespace harness::scenario
