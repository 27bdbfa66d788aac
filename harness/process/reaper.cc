#include "harness/process/reaper.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

namespace harness::process {

struct Reaper::Record {
  explicit Record(pid_t p) : pid(p) {}
  const pid_t pid;
  std::optional<ExitStatus> status;  // guarded by State::mutex
};

namespace {
constexpr std::size_t k_max_untracked = 4096;
constexpr auto k_idle_wait = std::chrono::milliseconds{50};

struct Untracked {
  ExitStatus status;
  std::uint64_t sequence = 0;  // the value of State::collected when it was collected
};

struct State {
  std::mutex mutex;
  std::condition_variable changed;  // a status was collected, or a child was tracked
  std::uint64_t collected = 0;      // exits collected so far
  std::uint64_t tracks = 0;         // track() and wake() calls so far: wake the idle reaper thread
  std::unordered_map<pid_t, Reaper::Ticket> tracked;  // the newest ticket of each pid
  std::unordered_map<pid_t, Untracked> untracked;
  std::deque<std::pair<pid_t, std::uint64_t>> untracked_order;  // oldest first, to bound `untracked`
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

// Reaps `pid` (an exited child, found with WNOWAIT) and records its status in one step under the lock: a status
// is visible only once the zombie is gone (a restarted postmaster checks that the old pid is dead), and track()
// cannot run between the reap, which frees the pid for reuse, and the record.
void reap_and_record(State& s, pid_t pid) {
  std::lock_guard lock(s.mutex);
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG | __WALL) != pid) return;
  ++s.collected;
  if (auto it = s.tracked.find(pid); it != s.tracked.end() && !it->second->status) {
    it->second->status = decode(status);
  } else {
    s.untracked[pid] = Untracked{decode(status), s.collected};
    s.untracked_order.emplace_back(pid, s.collected);
    while (s.untracked_order.size() > k_max_untracked) {
      const auto [old_pid, old_sequence] = s.untracked_order.front();
      s.untracked_order.pop_front();
      if (auto old = s.untracked.find(old_pid); old != s.untracked.end() && old->second.sequence == old_sequence) {
        s.untracked.erase(old);
      }
    }
  }
  s.changed.notify_all();
}

void reap_loop() {
  State& s = state();
  while (true) {
    std::uint64_t tracks_before;
    {
      std::lock_guard lock(s.mutex);
      tracks_before = s.tracks;
    }
    // Wait without reaping (WNOWAIT), then reap and record at once (reap_and_record).
    // __WALL: also children whose exit signal is not SIGCHLD (clone()d by a service), so none stays a zombie.
    siginfo_t info{};
    if (::waitid(P_ALL, 0, &info, WEXITED | WNOWAIT | __WALL) == 0) {
      if (info.si_pid > 0) reap_and_record(s, info.si_pid);
      continue;
    }
    if (errno == EINTR) continue;
    // ECHILD: no children (a subreaper has no descendants either, or they would have been re-parented to it).
    // Sleep until the next spawn is tracked; the timeout covers a fork whose spawn failed before track().
    std::unique_lock lock(s.mutex);
    s.changed.wait_for(lock, k_idle_wait, [&] { return s.tracks != tracks_before; });
  }
}

std::optional<ExitStatus> status_locked(const State& s, pid_t pid) {
  if (auto it = s.tracked.find(pid); it != s.tracked.end()) return it->second->status;
  if (auto it = s.untracked.find(pid); it != s.untracked.end()) return it->second.status;
  return std::nullopt;
}
}  // namespace

Reaper& Reaper::instance() {
  static Reaper* reaper = [] {
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
      std::perror("celery-chaos: prctl(PR_SET_CHILD_SUBREAPER)");  // orphans then go to init: still reaped
    }
    std::thread(reap_loop).detach();
    return new Reaper();
  }();
  return *reaper;
}

std::uint64_t Reaper::exits_collected() const {
  State& s = state();
  std::lock_guard lock(s.mutex);
  return s.collected;
}

Reaper::Ticket Reaper::track(pid_t pid, std::uint64_t exits_collected_before_fork) {
  auto ticket = std::make_shared<Record>(pid);
  State& s = state();
  std::lock_guard lock(s.mutex);
  if (auto it = s.untracked.find(pid); it != s.untracked.end()) {
    // Collected after the fork: it exited before this call. Collected before: an earlier process's status.
    if (it->second.sequence > exits_collected_before_fork) ticket->status = it->second.status;
    s.untracked.erase(it);
  }
  s.tracked[pid] = ticket;  // an older ticket of a reused pid keeps its own status
  ++s.tracks;
  s.changed.notify_all();
  return ticket;
}

std::optional<ExitStatus> Reaper::status(const Ticket& ticket) const {
  State& s = state();
  std::lock_guard lock(s.mutex);
  return ticket->status;
}

std::optional<ExitStatus> Reaper::wait_for(const Ticket& ticket, std::chrono::milliseconds timeout) const {
  State& s = state();
  std::unique_lock lock(s.mutex);
  s.changed.wait_for(lock, timeout, [&] { return ticket->status.has_value(); });
  return ticket->status;
}

void Reaper::forget(const Ticket& ticket) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  if (auto it = s.tracked.find(ticket->pid); it != s.tracked.end() && it->second == ticket) s.tracked.erase(it);
}

void Reaper::track(pid_t pid) { track(pid, 0); }

void Reaper::wake() {
  State& s = state();
  std::lock_guard lock(s.mutex);
  ++s.tracks;
  s.changed.notify_all();
}

std::optional<ExitStatus> Reaper::status(pid_t pid) const {
  State& s = state();
  std::lock_guard lock(s.mutex);
  return status_locked(s, pid);
}

std::optional<ExitStatus> Reaper::wait_for(pid_t pid, std::chrono::milliseconds timeout) const {
  State& s = state();
  std::unique_lock lock(s.mutex);
  s.changed.wait_for(lock, timeout, [&] { return status_locked(s, pid).has_value(); });
  return status_locked(s, pid);
}

void Reaper::forget(pid_t pid) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  s.tracked.erase(pid);
  s.untracked.erase(pid);
}

}  // namespace harness::process
