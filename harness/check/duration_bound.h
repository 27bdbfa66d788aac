#pragma once
// A bound on a duration, as a check's key writes it: ">=1s", "<500ms", "<=2s", ">0s" (the rollout check's overlap and
// gap, the delivery check's publish_took).
#include <optional>
#include <string>
#include <string_view>

#include "harness/scenario/model.h"
#include "harness/scenario/yaml_reader.h"

namespace harness::check {

// ">=1s", "<500ms", "<=2s", ">0s": a bound on a duration.
struct DurationBound {
  enum class Op { k_lt, k_le, k_gt, k_ge };
  Op op = Op::k_ge;
  scenario::Millis value{0};
};
// nullopt when `text` is not an operator (<, <=, >, >=) followed by a duration.
std::optional<DurationBound> parse_duration_bound(std::string_view text);
bool holds(const DurationBound& bound, double seconds);
std::string format_bound(const DurationBound& bound);  // ">= 1s"
// A check's key whose value is a duration bound; nullopt after reporting the error at the entry's line.
std::optional<DurationBound> read_duration_bound(scenario::YamlReader& reader, const scenario::MapEntry& entry);

}  // namespace harness::check
