#include "harness/process/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <set>

#include "harness/process/cancellation.h"

namespace harness::process {

namespace {
constexpr int k_attempts = 64;
constexpr auto k_listen_poll = std::chrono::milliseconds{10};

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}
}  // namespace

util::Expected<std::uint16_t> allocate_port() {
  static std::mutex mutex;
  static std::set<std::uint16_t> handed_out;
  std::lock_guard lock(mutex);
  std::string error = "every port offered was already handed out";
  for (int i = 0; i < k_attempts; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      error = ::strerror(errno);
      break;
    }
    sockaddr_in addr = loopback(0);
    socklen_t len = sizeof addr;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    if (!ok) error = ::strerror(errno);
    ::close(fd);
    if (!ok) continue;
    const std::uint16_t port = ntohs(addr.sin_port);
    if (handed_out.insert(port).second) return port;
  }
  return util::Status::infrastructure("cannot allocate a loopback port: " + error);
}

bool is_listening(std::uint16_t port, std::chrono::milliseconds timeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr = loopback(port);
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  if (!connected && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    int ready;
    while ((ready = ::poll(&p, 1, static_cast<int>(timeout.count()))) < 0 && errno == EINTR) {
    }
    if (ready == 1) {
      int error = 0;
      socklen_t len = sizeof error;
      connected = ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
    }
  }
  ::close(fd);
  return connected;
}

bool wait_for_listening(std::uint16_t port, std::chrono::milliseconds timeout,
                        const std::function<bool()>& stop_if) {
  const Deadline deadline(timeout);
  while (true) {
    if (is_listening(port, std::clamp(deadline.remaining(), std::chrono::milliseconds{1}, k_listen_poll * 20))) {
      return true;
    }
    if ((stop_if && stop_if()) || deadline.expired() || !deadline.sleep_for(k_listen_poll)) return false;
  }
}

}  // namespace harness::process
