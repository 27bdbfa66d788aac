#include "harness/fault/observe.h"

#include "harness/process/cancellation.h"
#include "harness/process/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

namespace harness::fault {

PollOutcome poll_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds interval, const util::Clock& clock,
                       const std::function<void(std::chrono::milliseconds)>& sleep) {
  const auto start = clock.now();
  const auto deadline = start + timeout;
  PollOutcome outcome;
  const auto elapsed = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start); };
  while (true) {
    ++outcome.polls;
    if (done()) {
      outcome.met = true;
      outcome.after = elapsed();
      return outcome;
    }
    const auto now = clock.now();
    if (now >= deadline) break;
    sleep(std::min(interval, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now)));
  }
  outcome.after = elapsed();
  return outcome;
}

PollOutcome poll_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds interval) {
  static const util::RealClock clock;
  return poll_until(done, timeout, interval, clock,
                    [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
}

bool port_refuses(std::uint16_t port, std::chrono::milliseconds timeout) {
  return process::LoopbackConnection::connect(port, timeout).result() == process::LoopbackConnection::Result::k_refused;
}

bool hold_down(std::chrono::milliseconds down, std::chrono::steady_clock::time_point since) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(since + down - std::chrono::steady_clock::now());
  return left.count() <= 0 || process::sleep_for(left);
}

long long ms_since(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace harness::fault
