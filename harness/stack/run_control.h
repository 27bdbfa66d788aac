#pragma once
// When a scenario must stop early: Ctrl-C/SIGTERM (process::cancelled()) or its own `timeout:`.
// Every wait of the runner goes through here, so a stop is noticed within ~20 ms.
#include <chrono>
#include <string>

#include "harness/util/clock.h"

namespace harness::stack {

class RunControl {
public:
  RunControl(const util::Clock& clock, std::chrono::milliseconds timeout);

  bool should_stop() const;
  // "interrupted by SIGINT" or "scenario timeout of 3m exceeded"; empty while running.
  std::string stop_reason() const;
  bool timed_out() const;
  // Sleeps up to `duration`; false when it stopped early because the run must stop.
  bool sleep_for(std::chrono::milliseconds duration) const;
  bool sleep_until(std::chrono::steady_clock::time_point when) const;
  std::chrono::steady_clock::time_point started() const { return m_started; }
  std::chrono::milliseconds elapsed() const;

private:
  const util::Clock& m_clock;
  std::chrono::steady_clock::time_point m_started;
  std::chrono::steady_clock::time_point m_deadline;
  std::chrono::milliseconds m_timeout;
};

}  // namespace harness::stack
