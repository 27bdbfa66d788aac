#pragma once
// A replaceable clock: the runner, the history and the health state machine read time only through Clock,
// so unit tests can script time with ManualClock.
#include <chrono>
#include <mutex>

namespace harness::util {

class Clock {
public:
  virtual ~Clock() = default;
  // Monotonic time, for deadlines and durations.
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // Wall-clock time, for timestamps in reports.
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
};

class RealClock final : public Clock {
public:
  std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point wall_now() const override { return std::chrono::system_clock::now(); }
};

class ManualClock final : public Clock {
public:
  std::chrono::steady_clock::time_point now() const override {
    std::lock_guard lock(m_mutex);
    return m_now;
  }
  std::chrono::system_clock::time_point wall_now() const override {
    std::lock_guard lock(m_mutex);
    return m_wall;
  }
  void advance(std::chrono::milliseconds by) {
    std::lock_guard lock(m_mutex);
    m_now += by;
    m_wall += by;
  }

private:
  mutable std::mutex m_mutex;
  std::chrono::steady_clock::time_point m_now{};
  std::chrono::system_clock::time_point m_wall{std::chrono::seconds{1'700'000'000}};
};

}  // namespace harness::util
