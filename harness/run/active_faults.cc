#include "harness/run/active_faults.h"

namespace harness::run {

namespace {
constexpr auto k_timer_tick = std::chrono::milliseconds{20};  // how soon a timer notices clear_all()
}  // namespace

void ActiveFaults::clear(Entry& entry) {
  std::lock_guard lock(entry.mutex);
  (*entry.clearer)();
}

void ActiveFaults::add(std::shared_ptr<fault::Clearer> clearer, std::optional<std::chrono::milliseconds> duration,
                       const stack::RunControl& control) {
  auto entry = std::make_shared<Entry>(std::move(clearer));
  std::lock_guard lock(m_mutex);
  m_entries.push_back(entry);
  if (!duration) return;
  const auto due = std::chrono::steady_clock::now() + *duration;
  m_timers.emplace_back([entry, due, &control, this] {
    while (!m_closing && std::chrono::steady_clock::now() < due) {
      if (!control.sleep_for(k_timer_tick)) return;  // the run stops: teardown clears it
    }
    if (!m_closing) clear(*entry);
  });
}

void ActiveFaults::clear_all() {
  m_closing = true;
  std::vector<std::thread> timers;
  {
    std::lock_guard lock(m_mutex);
    timers.swap(m_timers);
  }
  for (auto& t : timers) t.join();  // a timer whose inverse is under way finishes it first
  std::vector<std::shared_ptr<Entry>> entries;
  {
    std::lock_guard lock(m_mutex);
    entries.swap(m_entries);
  }
  for (const auto& entry : entries) clear(*entry);
}

}  // namespace harness::run
