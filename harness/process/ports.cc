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

LoopbackConnection LoopbackConnection::connect(std::uint16_t port, std::chrono::milliseconds timeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return LoopbackConnection(-1, Result::k_failed);
  sockaddr_in addr = loopback(port);
  int error = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 ? 0 : errno;
  if (error == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    int ready;
    while ((ready = ::poll(&p, 1, static_cast<int>(timeout.count()))) < 0 && errno == EINTR) {
    }
    if (ready != 1) return LoopbackConnection(fd, Result::k_failed);
    socklen_t len = sizeof error;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) return LoopbackConnection(fd, Result::k_failed);
  }
  if (error == 0) {
    // TCP self-connect: with nothing listening on an ephemeral-range port, the kernel may pick that very port as
    // the source and "connect" the socket to itself. That is not a listener.
    sockaddr_in local{};
    socklen_t len = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0 && local.sin_port == addr.sin_port)
      return LoopbackConnection(fd, Result::k_refused);
    return LoopbackConnection(fd, Result::k_connected);
  }
  return LoopbackConnection(fd, error == ECONNREFUSED ? Result::k_refused : Result::k_failed);
}

LoopbackConnection::~LoopbackConnection() {
  if (m_fd >= 0) ::close(m_fd);
}

bool is_listening(std::uint16_t port, std::chrono::milliseconds timeout) {
  return LoopbackConnection::connect(port, timeout).result() == LoopbackConnection::Result::k_connected;
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
