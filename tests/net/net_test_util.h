#pragma once
// Loopback helpers for the proxy's tests: an echo server (each connection's bytes sent back, counted) and a
// blocking test client whose reads poll with a deadline, so a test never hangs on a proxy that holds bytes.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "harness/net/connection_event.h"
#include "harness/net/network.h"

namespace net_test {

using namespace std::chrono_literals;

inline int loopback_socket_connected_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Echoes every byte it gets on 127.0.0.1 at an ephemeral port; counts what it received, and closes a connection
// when the client closes it. The destructor stops it.
class EchoServer {
public:
  EchoServer() {
    m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(m_listener, 64))
      throw std::runtime_error("echo server cannot listen");
    socklen_t length = sizeof address;
    ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length);
    m_port = ntohs(address.sin_port);
    m_acceptor = std::thread([this] { accept_loop(); });
  }
  ~EchoServer() {
    m_stopping = true;
    ::shutdown(m_listener, SHUT_RDWR);
    m_acceptor.join();
    {
      std::lock_guard lock(m_mutex);
      for (int fd : m_fds) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& thread : m_threads) thread.join();
    ::close(m_listener);
  }
  std::uint16_t port() const { return m_port; }
  std::uint64_t received() const { return m_received; }
  int connections() const { return m_connections; }

private:
  void accept_loop() {
    for (;;) {
      const int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (m_stopping) return;
        continue;
      }
      ++m_connections;
      std::lock_guard lock(m_mutex);
      m_fds.push_back(fd);
      m_threads.emplace_back([this, fd] { echo(fd); });
    }
  }
  void echo(int fd) {
    std::vector<char> buffer(64 * 1024);
    for (;;) {
      const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n <= 0) break;
      m_received += static_cast<std::uint64_t>(n);
      if (::send(fd, buffer.data(), static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) break;
    }
    std::lock_guard lock(m_mutex);
    ::close(fd);
    std::erase(m_fds, fd);
  }

  int m_listener = -1;
  std::uint16_t m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::atomic<std::uint64_t> m_received{0};
  std::atomic<int> m_connections{0};
  std::mutex m_mutex;
  std::vector<int> m_fds;
  std::vector<std::thread> m_threads;
  std::thread m_acceptor;
};

// A blocking client of 127.0.0.1:port.
class TestClient {
public:
  explicit TestClient(std::uint16_t port) : m_fd(loopback_socket_connected_to(port)) {}
  ~TestClient() {
    if (m_fd >= 0) ::close(m_fd);
  }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return m_fd >= 0; }
  bool send(const std::string& bytes) {
    return ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  void shutdown_write() { ::shutdown(m_fd, SHUT_WR); }
  // Closes with an RST (SO_LINGER 0).
  void reset() {
    const linger abort{1, 0};
    ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    ::close(m_fd);
    m_fd = -1;
  }
  // Up to `n` bytes, whatever arrived before `timeout` or the end of the stream.
  std::string receive(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (got.size() < n) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{m_fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[65536];
      const ssize_t r = ::recv(m_fd, buffer, std::min(sizeof buffer, n - got.size()), 0);
      if (r <= 0) {
        m_end = r == 0 ? "eof" : (errno == ECONNRESET ? "reset" : "error");
        break;
      }
      got.append(buffer, static_cast<std::size_t>(r));
    }
    return got;
  }
  // How the stream ends: "eof", "reset", or "open" when still open after `timeout` (bytes read meanwhile are
  // dropped).
  std::string ending(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (m_end.empty() && std::chrono::steady_clock::now() < deadline)
      receive(1 << 20,
              std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    return m_end.empty() ? "open" : m_end;
  }

private:
  int m_fd;
  std::string m_end;
};

// Polls `condition` every 5 ms until true or `timeout`.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

// Keeps the connection events of a Network (called on its thread), for a test to read.
class EventLog {
public:
  std::function<void(const harness::net::ConnectionEvent&)> sink() {
    return [this](const harness::net::ConnectionEvent& event) {
      std::lock_guard lock(m_mutex);
      m_events.push_back(event);
    };
  }
  std::vector<harness::net::ConnectionEvent> events() const {
    std::lock_guard lock(m_mutex);
    return m_events;
  }
  // The close events so far.
  std::vector<harness::net::ConnectionEvent> closes() const {
    std::vector<harness::net::ConnectionEvent> found;
    for (const auto& event : events())
      if (event.kind == harness::net::ConnectionEvent::Kind::k_close) found.push_back(event);
    return found;
  }

private:
  mutable std::mutex m_mutex;
  std::vector<harness::net::ConnectionEvent> m_events;
};

// An echo server behind a Network with one proxy, "echo" for client "worker.1"; events kept in `log`.
// The Network is declared last so it is destroyed first (its shutdown closes still record into `log`).
struct ProxiedEcho {
  ProxiedEcho() : network(log.sink()) {
    auto info = network.add_proxy({.name = "echo", .client = "worker.1", .upstream_port = server.port()});
    if (!info) throw std::runtime_error(info.error().message());
    port = info->port;
  }
  harness::util::Status add(const std::string& kind, harness::net::Direction direction,
                            const nlohmann::json& attributes = nlohmann::json::object()) {
    return network.add_toxic({"echo", ""}, kind, kind, direction, attributes);
  }
  nlohmann::json report(const std::string& kind) {
    auto report = network.toxic_report({"echo", ""}, kind);
    return report ? *report : nlohmann::json{{"error", report.error().message()}};
  }
  EchoServer server;
  EventLog log;
  harness::net::Network network;
  std::uint16_t port = 0;
};

inline double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace net_test
