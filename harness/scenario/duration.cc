#include "harness/scenario/duration.h"

#include <array>
#include <cstdint>

namespace harness::scenario {

namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t micros;
};

// Largest first: the order units must appear in.
constexpr std::array<Unit, 5> k_units{{
    {"h", 3'600'000'000},
    {"m", 60'000'000},
    {"s", 1'000'000},
    {"ms", 1'000},
    {"us", 1},
}};

// ~31,700 years: far beyond any timeout, and far below int64 overflow in the arithmetic below.
constexpr std::int64_t k_max_micros = 1'000'000'000'000'000'000;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

util::Status invalid(std::string_view text, const std::string& why) {
  return util::Status::invalid(why + " in duration '" + std::string(text) + "'");
}

// The unit named exactly `token`, as an index in k_units, or -1.
int find_unit(std::string_view token) {
  for (std::size_t i = 0; i < k_units.size(); ++i)
    if (k_units[i].suffix == token) return static_cast<int>(i);
  return -1;
}

}  // namespace

util::Expected<Millis> parse_duration(std::string_view text) {
  if (text.empty()) return util::Status::invalid("empty duration");
  if (text.front() == '-') return invalid(text, "negative value");

  std::int64_t total = 0;  // microseconds
  int previous_unit = -1;
  std::size_t i = 0;
  while (i < text.size()) {
    // The number: digits, optionally '.' and more digits; at least one digit in all.
    std::int64_t whole = 0;
    std::size_t digits = 0;
    for (; i < text.size() && is_digit(text[i]); ++i, ++digits) {
      if (whole > k_max_micros) return invalid(text, "value too large");
      whole = whole * 10 + (text[i] - '0');
    }
    std::int64_t fraction = 0;
    std::int64_t fraction_scale = 1;
    if (i < text.size() && text[i] == '.') {
      ++i;
      for (; i < text.size() && is_digit(text[i]); ++i, ++digits) {
        if (fraction_scale < 1'000'000'000) {  // further digits are below any unit's resolution
          fraction = fraction * 10 + (text[i] - '0');
          fraction_scale *= 10;
        }
      }
    }
    if (digits == 0) return invalid(text, "expected a number at '" + std::string(text.substr(i)) + "'");
    if (i == text.size()) return invalid(text, "missing unit (expected h, m, s, ms or us)");

    // The unit: everything up to the next number.
    std::size_t end = i;
    while (end < text.size() && !is_digit(text[end]) && text[end] != '.') ++end;
    const std::string_view token = text.substr(i, end - i);
    const int unit = find_unit(token);
    if (unit < 0) return invalid(text, "unknown unit '" + std::string(token) + "' (expected h, m, s, ms or us)");
    if (unit <= previous_unit) {
      return invalid(text, "unit '" + std::string(k_units[static_cast<std::size_t>(unit)].suffix) +
                               "' out of order (expected h, m, s, ms, us, each at most once)");
    }
    previous_unit = unit;
    const Unit& u = k_units[static_cast<std::size_t>(unit)];
    i = end;

    if (whole > k_max_micros / u.micros) return invalid(text, "value too large");
    // fraction < 10^9 and micros <= 3.6e9: the product stays below 3.6e18 < int64 max.
    const std::int64_t part = whole * u.micros + fraction * u.micros / fraction_scale;
    total += part;
    if (total > k_max_micros) return invalid(text, "value too large");
  }
  if (total > 0 && total < 1'000) return invalid(text, "non-zero value under the 1ms resolution");
  return Millis{total / 1'000};
}

std::string format_duration(Millis d) {
  if (d.count() < 0) return "-" + format_duration(-d);
  if (d.count() == 0) return "0s";
  std::int64_t ms = d.count();
  std::string out;
  const auto emit = [&](std::int64_t unit_ms, const char* suffix) {
    if (ms >= unit_ms) {
      out += std::to_string(ms / unit_ms) + suffix;
      ms %= unit_ms;
    }
  };
  emit(3'600'000, "h");
  emit(60'000, "m");
  emit(1'000, "s");
  emit(1, "ms");
  return out;
}

}  // namespace harness::scenario
