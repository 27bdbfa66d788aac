#pragma once
#include <chrono>
#include <string>

namespace harness::util {

// "2026-11-22T17:41:03.125Z": UTC, milliseconds, Z.
std::string iso8601_utc(std::chrono::system_clock::time_point when);
// "1.234": seconds with three decimals, as JUnit's time attribute.
std::string decimal_seconds(std::chrono::milliseconds duration);

}  // namespace harness::util
