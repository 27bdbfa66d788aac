#pragma once
// Process-wide cancellation: Ctrl-C (SIGINT), SIGTERM and SIGHUP set it, and so can request_cancel() (e.g. a
// scenario timeout). Every wait of the harness polls cancelled() or sleeps through sleep_for(), which wakes
// within milliseconds of a signal (self-pipe), in every thread at once, so teardown starts at once.
// The first cause wins: its reason is the one reported. A second Ctrl-C changes nothing (the teardown that
// the first one started is what cleans up; a SIGKILLed harness's children are swept by the next run).
#include <chrono>
#include <string>

namespace harness::process {

// Installs the handlers for SIGINT, SIGTERM and SIGHUP (async-signal-safe: an atomic flag and a write()).
void install_signal_handlers();
bool cancelled();
std::string cancel_reason();  // "interrupted by SIGINT", or request_cancel's reason; empty when not cancelled
void request_cancel(const std::string& reason);
// Sleeps up to `duration`; false when cancelled before or during it (returning within ~1 ms of the cause).
bool sleep_for(std::chrono::milliseconds duration);
void reset_for_tests();  // not cancelled any more; the handlers stay installed

// A point in time to give up at, on the steady clock.
class Deadline {
public:
  explicit Deadline(std::chrono::milliseconds timeout);  // timeouts over ~24 days count as never
  static Deadline never() { return Deadline(std::chrono::steady_clock::time_point::max()); }

  bool expired() const { return std::chrono::steady_clock::now() >= m_end; }
  // Time left, rounded up to whole milliseconds; zero once expired.
  std::chrono::milliseconds remaining() const;
  // sleep_for(min(duration, remaining())): false when cancelled.
  bool sleep_for(std::chrono::milliseconds duration) const;

private:
  explicit Deadline(std::chrono::steady_clock::time_point end) : m_end(end) {}
  std::chrono::steady_clock::time_point m_end;
};

}  // namespace harness::process
