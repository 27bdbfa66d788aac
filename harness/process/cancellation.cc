#include "harness/process/cancellation.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <mutex>

#include "harness/process/exit_status.h"

namespace harness::process {

namespace {
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free,
              "the signal handler may only touch lock-free atomics");

std::atomic<int> g_signal{0};  // the signal that cancelled, when a signal came first
std::atomic<bool> g_cancelled{false};
std::mutex g_reason_mutex;
std::string g_reason;  // request_cancel's reason, when it came first
// Self-pipe: readable while a wake-up is pending. Nobody reads it but reset_for_tests(), so every sleeper sees
// it. Both ends are non-blocking: a full pipe only means a wake-up is already pending.
std::atomic<int> g_wake_read{-1};
std::atomic<int> g_wake_write{-1};

void ensure_pipe() {
  static std::once_flag once;
  std::call_once(once, [] {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
      g_wake_read = fds[0];
      g_wake_write = fds[1];
    }
  });
}

void wake() {
  if (const int fd = g_wake_write.load(); fd >= 0) {
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(fd, &byte, 1);
  }
}

extern "C" void on_signal(int sig) {
  // Async-signal-safe only: lock-free atomics and write(). errno belongs to the interrupted code.
  const int saved_errno = errno;
  if (!g_cancelled.load()) {
    int none = 0;
    g_signal.compare_exchange_strong(none, sig);
  }
  g_cancelled.store(true);
  wake();
  errno = saved_errno;
}

constexpr std::chrono::milliseconds k_longest_sleep{INT_MAX};  // ~24 days; keeps time_point arithmetic in range

int ceil_ms(std::chrono::steady_clock::duration d) {
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
  return static_cast<int>(std::clamp<decltype(ms)>(ms, 0, INT_MAX));
}
}  // namespace

void install_signal_handlers() {
  ensure_pipe();  // before the handler can run
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &action, nullptr);
}

bool cancelled() { return g_cancelled.load(); }

std::string cancel_reason() {
  if (!g_cancelled.load()) return {};
  if (const int sig = g_signal.load(); sig != 0) return "interrupted by " + signal_name(sig);
  std::lock_guard lock(g_reason_mutex);
  return g_reason.empty() ? "cancelled" : g_reason;
}

void request_cancel(const std::string& reason) {
  ensure_pipe();
  {
    std::lock_guard lock(g_reason_mutex);
    if (!g_cancelled.load()) g_reason = reason;
    g_cancelled.store(true);
  }
  wake();
}

bool sleep_for(std::chrono::milliseconds duration) {
  ensure_pipe();
  const auto deadline = std::chrono::steady_clock::now() + std::min(duration, k_longest_sleep);
  while (!cancelled()) {
    const int left = ceil_ms(deadline - std::chrono::steady_clock::now());
    if (left <= 0) return true;
    pollfd wake_fd{g_wake_read.load(), POLLIN, 0};
    // A pending wake-up without the flag (left by a signal racing reset_for_tests) makes this return early;
    // the loop then sleeps in 1 ms slices rather than spinning.
    if (::poll(&wake_fd, 1, left) > 0 && !cancelled()) ::poll(nullptr, 0, 1);
  }
  return false;
}

void reset_for_tests() {
  ensure_pipe();
  {
    std::lock_guard lock(g_reason_mutex);
    g_reason.clear();
    g_signal.store(0);
    g_cancelled.store(false);
  }
  // After clearing the flag: a signal arriving now leaves the flag set, whether or not its byte is drained.
  char buffer[64];
  while (::read(g_wake_read.load(), buffer, sizeof buffer) > 0) {
  }
}

Deadline::Deadline(std::chrono::milliseconds timeout)
    : m_end(timeout >= k_longest_sleep ? std::chrono::steady_clock::time_point::max()
                                        : std::chrono::steady_clock::now() + timeout) {}

std::chrono::milliseconds Deadline::remaining() const {
  if (m_end == std::chrono::steady_clock::time_point::max()) return std::chrono::milliseconds::max();
  return std::chrono::milliseconds{ceil_ms(m_end - std::chrono::steady_clock::now())};
}

bool Deadline::sleep_for(std::chrono::milliseconds duration) const {
  return process::sleep_for(std::min(duration, remaining()));
}

}  // namespace harness::process
