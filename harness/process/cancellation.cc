#include "harness/process/cancellation.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

namespace harness::process {

namespace {
std::atomic<int> g_signal{0};
std::atomic<bool> g_cancelled{false};
std::mutex g_reason_mutex;
std::string g_reason;
int g_pipe[2] = {-1, -1};

void ensure_pipe() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) g_pipe[0] = g_pipe[1] = -1;
  });
}

void wake() {
  if (g_pipe[1] >= 0) {
    const char byte = 1;
    [[maybe_unused]] auto n = ::write(g_pipe[1], &byte, 1);
  }
}

extern "C" void on_signal(int sig) {
  // Async-signal-safe only: atomics and write().
  g_signal.store(sig);
  g_cancelled.store(true);
  wake();
}
}  // namespace

void install_signal_handlers() {
  ensure_pipe();
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &action, nullptr);
}

bool cancelled() { return g_cancelled.load(); }

std::string cancel_reason() {
  if (!g_cancelled) return {};
  if (const int sig = g_signal.load(); sig != 0) {
    const char* abbrev = ::sigabbrev_np(sig);
    return std::string("interrupted by SIG") + (abbrev ? abbrev : "?");
  }
  std::lock_guard lock(g_reason_mutex);
  return g_reason;
}

void request_cancel(const std::string& reason) {
  ensure_pipe();
  {
    std::lock_guard lock(g_reason_mutex);
    if (!g_cancelled) g_reason = reason;
  }
  g_cancelled = true;
  wake();
}

bool sleep_for(std::chrono::milliseconds duration) {
  ensure_pipe();
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (!cancelled()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    pollfd p{g_pipe[0], POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(left.count()));
  }
  return false;
}

void reset_for_tests() {
  ensure_pipe();
  char buffer[64];
  while (::read(g_pipe[0], buffer, sizeof buffer) > 0) {
  }
  g_signal = 0;
  g_cancelled = false;
  std::lock_guard lock(g_reason_mutex);
  g_reason.clear();
}

}  // namespace harness::process
