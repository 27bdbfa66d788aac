#include "harness/stack/run_control.h"

#include <algorithm>

#include "harness/process/cancellation.h"
#include "harness/scenario/duration.h"

namespace harness::stack {

namespace {
constexpr auto k_slice = std::chrono::milliseconds{20};
}

RunControl::RunControl(const util::Clock& clock, std::chrono::milliseconds timeout)
    : m_clock(clock), m_started(clock.now()), m_deadline(m_started + timeout), m_timeout(timeout) {}

bool RunControl::timed_out() const { return m_clock.now() >= m_deadline; }

bool RunControl::should_stop() const { return process::cancelled() || timed_out(); }

std::string RunControl::stop_reason() const {
  if (process::cancelled()) return process::cancel_reason();
  if (timed_out()) return "scenario timeout of " + scenario::format_duration(m_timeout) + " exceeded";
  return {};
}

bool RunControl::sleep_for(std::chrono::milliseconds duration) const {
  return sleep_until(m_clock.now() + duration);
}

bool RunControl::sleep_until(std::chrono::steady_clock::time_point when) const {
  while (true) {
    if (should_stop()) return false;
    const auto now = m_clock.now();
    if (now >= when) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(std::min(when, m_deadline) - now);
    if (!process::sleep_for(std::clamp(left, std::chrono::milliseconds{1}, k_slice))) return false;
  }
}

std::chrono::milliseconds RunControl::elapsed() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now() - m_started);
}

}  // namespace harness::stack
