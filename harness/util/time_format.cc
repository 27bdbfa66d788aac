#include "harness/util/time_format.h"

#include <cstdio>
#include <sstream>

namespace harness::util {

std::string iso8601_utc(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  // floor, not duration_cast: 1969-12-31T23:59:59.999Z is 1 ms before the epoch, not 1 ms after it.
  const auto ms = floor<milliseconds>(when);
  const auto day = floor<days>(ms);
  const year_month_day date{day};
  const hh_mm_ss time{ms - day};
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count()));
  return buffer;
}

std::string decimal_seconds(std::chrono::nanoseconds duration) {
  using namespace std::chrono;
  const long long ms = duration <= nanoseconds::zero() ? 0 : round<milliseconds>(duration).count();
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld.%03lld", ms / 1000, ms % 1000);
  return buffer;
}

std::string short_seconds(double seconds) {
  std::ostringstream out;
  out.precision(3);
  out << seconds << " s";
  return out.str();
}

std::string human_duration(std::chrono::nanoseconds duration) {
  using namespace std::chrono;
  char buffer[48];
  const long long tenths = duration <= nanoseconds::zero() ? 0 : round<std::chrono::duration<long long, std::deci>>(duration).count();
  if (tenths < 600) {
    std::snprintf(buffer, sizeof buffer, "%lld.%lld s", tenths / 10, tenths % 10);
    return buffer;
  }
  const long long seconds = round<std::chrono::seconds>(duration).count();
  if (seconds < 3600) {
    std::snprintf(buffer, sizeof buffer, "%lld min %lld s", seconds / 60, seconds % 60);
    return buffer;
  }
  const long long minutes = round<std::chrono::minutes>(duration).count();
  std::snprintf(buffer, sizeof buffer, "%lld h %lld min", minutes / 60, minutes % 60);
  return buffer;
}

}  // namespace harness::util
