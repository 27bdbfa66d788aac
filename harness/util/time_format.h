#pragma once
// Time as the reports print it: wall-clock instants in UTC, durations in decimal seconds.
#include <chrono>
#include <string>

namespace harness::util {

// "2026-11-22T17:41:03.125Z": UTC, milliseconds (rounded down), Z. Instants before 1970 work too.
std::string iso8601_utc(std::chrono::system_clock::time_point when);

// "1.234": seconds with exactly three decimals, rounded to the nearest millisecond, as JUnit's time attribute
// wants it. Any integral duration converts implicitly (milliseconds, seconds, steady_clock differences).
// A negative duration gives "0.000": a report never shows negative time.
std::string decimal_seconds(std::chrono::nanoseconds duration);

// "12.3 s", "0.5 s", "120 s": seconds with three significant digits and a unit, as verdict messages show a time.
std::string short_seconds(double seconds);

}  // namespace harness::util
