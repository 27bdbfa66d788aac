#include "harness/process/reaper.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <cerrno>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace harness::process {

namespace {
constexpr size_t k_max_untracked = 4096;
constexpr auto k_idle_wait = std::chrono::milliseconds{50};

struct State {
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::map<pid_t, ExitStatus> collected;
  std::set<pid_t> tracked;
  std::deque<pid_t> untracked_order;  // for bounding statuses nobody asked for (grandchildren)
};

State& state() {
  static State* s = new State();  // never destroyed: the reaper thread outlives static destruction
  return *s;
}

ExitStatus decode(int status) {
  ExitStatus out;
  if (WIFEXITED(status)) {
    out.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    out.signal = WTERMSIG(status);
  }
  return out;
}

void reap_loop() {
  State& s = state();
  while (true) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid > 0) {
      if (!WIFEXITED(status) && !WIFSIGNALED(status)) continue;
      std::lock_guard lock(s.mutex);
      s.collected[pid] = decode(status);
      if (!s.tracked.count(pid)) {
        s.untracked_order.push_back(pid);
        while (s.untracked_order.size() > k_max_untracked) {
          const pid_t old = s.untracked_order.front();
          s.untracked_order.pop_front();
          if (!s.tracked.count(old)) s.collected.erase(old);
        }
      }
      s.changed.notify_all();
      continue;
    }
    if (errno == EINTR) continue;
    // ECHILD: no children right now. Wait for a spawn (track() notifies) or a short while.
    std::unique_lock lock(s.mutex);
    s.changed.wait_for(lock, k_idle_wait);
  }
}
}  // namespace

Reaper& Reaper::instance() {
  static Reaper* reaper = [] {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    std::thread(reap_loop).detach();
    return new Reaper();
  }();
  return *reaper;
}

void Reaper::track(pid_t pid) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  s.tracked.insert(pid);
  s.changed.notify_all();
}

std::optional<ExitStatus> Reaper::status(pid_t pid) const {
  State& s = state();
  std::lock_guard lock(s.mutex);
  auto it = s.collected.find(pid);
  if (it == s.collected.end()) return std::nullopt;
  return it->second;
}

std::optional<ExitStatus> Reaper::wait_for(pid_t pid, std::chrono::milliseconds timeout) const {
  State& s = state();
  std::unique_lock lock(s.mutex);
  s.changed.wait_for(lock, timeout, [&] { return s.collected.count(pid) > 0; });
  auto it = s.collected.find(pid);
  if (it == s.collected.end()) return std::nullopt;
  return it->second;
}

void Reaper::forget(pid_t pid) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  s.tracked.erase(pid);
  s.collected.erase(pid);
}

}  // namespace harness::process
