#include "harness/check/duration_bound.h"

#include <chrono>

#include "harness/scenario/check_syntax.h"
#include "harness/scenario/duration.h"

namespace harness::check {

std::optional<DurationBound> parse_duration_bound(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  DurationBound bound;
  if (text.rfind("<=", 0) == 0 || text.rfind(">=", 0) == 0) {
    bound.op = text[0] == '<' ? DurationBound::Op::k_le : DurationBound::Op::k_ge;
    text.remove_prefix(2);
  } else if (!text.empty() && (text[0] == '<' || text[0] == '>')) {
    bound.op = text[0] == '<' ? DurationBound::Op::k_lt : DurationBound::Op::k_gt;
    text.remove_prefix(1);
  } else {
    return std::nullopt;
  }
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  auto value = scenario::parse_duration(text);
  if (!value) return std::nullopt;
  bound.value = *value;
  return bound;
}

bool holds(const DurationBound& bound, double seconds) {
  const double limit = std::chrono::duration<double>(bound.value).count();
  switch (bound.op) {
    case DurationBound::Op::k_lt: return seconds < limit;
    case DurationBound::Op::k_le: return seconds <= limit;
    case DurationBound::Op::k_gt: return seconds > limit;
    case DurationBound::Op::k_ge: return seconds >= limit;
  }
  return false;
}

std::string format_bound(const DurationBound& bound) {
  static constexpr const char* k_ops[] = {"<", "<=", ">", ">="};
  return std::string(k_ops[static_cast<int>(bound.op)]) + " " + scenario::format_duration(bound.value);
}

std::optional<DurationBound> read_duration_bound(scenario::YamlReader& reader, const scenario::MapEntry& entry) {
  auto bound = entry.value.IsScalar() ? parse_duration_bound(entry.value.Scalar()) : std::nullopt;
  if (!bound)
    reader.error(entry.location, scenario::quote(entry.key) + " must be a comparison with a duration such as '>=1s' "
                                 "or '<500ms', got " + scenario::describe(entry.value));
  return bound;
}

}  // namespace harness::check
