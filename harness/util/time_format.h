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

// A duration as the console shows it to a person: under a minute, seconds with one decimal ("0.4 s", "6.3 s",
// "59.9 s"); then whole minutes and seconds ("1 min 0 s", "14 min 2 s"); from an hour, hours and minutes
// ("2 h 5 min"). Rounded to the nearest unit shown; a negative duration is "0.0 s".
std::string human_duration(std::chrono::nanoseconds duration);

}  // namespace harness::util
