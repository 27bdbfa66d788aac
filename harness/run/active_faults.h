#pragma once
// The faults of a scenario applied with a `for:`: each is cleared (its inverse run) by its own timer when the
// duration ends, and whatever is still applied by clear_all() at teardown. A fault without a duration is cleared
// at teardown only.
//
// Thread safety: add() and clear_all() are called by the runner while timer threads clear faults. An inverse may
// take long (postgres-down's waits up to a minute for PostgreSQL to be ready again), so it never runs under the
// lock add() takes: the next fault step is applied meanwhile. Each fault's inverse runs once (fault::Clearer acts
// on its first call); a clear_all() that meets an inverse under way waits until it has finished.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "harness/fault/fault_injector.h"
#include "harness/stack/run_control.h"

namespace harness::run {

class ActiveFaults {
public:
  ActiveFaults() = default;
  ~ActiveFaults() { clear_all(); }
  ActiveFaults(const ActiveFaults&) = delete;
  ActiveFaults& operator=(const ActiveFaults&) = delete;

  // Takes an applied fault's inverse. With a `duration`, a timer clears it once the duration has passed; a timer
  // cut short (the run stops, or clear_all()) leaves it to clear_all(). REQUIRES: `control` outlives this object.
  void add(std::shared_ptr<fault::Clearer> clearer, std::optional<std::chrono::milliseconds> duration,
           const stack::RunControl& control);
  // Clears every fault still applied, in the order they were added (teardown); timers end at once. Idempotent.
  void clear_all();

private:
  // One applied fault. `mutex` serialises calls of its inverse (a timer's and clear_all()'s), nothing else.
  struct Entry {
    explicit Entry(std::shared_ptr<fault::Clearer> c) : clearer(std::move(c)) {}
    std::mutex mutex;
    std::shared_ptr<fault::Clearer> clearer;
  };
  static void clear(Entry& entry);

  std::mutex m_mutex;  // guards m_entries and m_timers only; never held while an inverse runs
  std::vector<std::shared_ptr<Entry>> m_entries;
  std::vector<std::thread> m_timers;
  std::atomic<bool> m_closing{false};
};

}  // namespace harness::run
