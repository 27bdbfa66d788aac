#pragma once
// Loopback ports for the services of a run. Nothing of the harness listens beyond 127.0.0.1.
#include <chrono>
#include <cstdint>
#include <functional>

#include "harness/util/status.h"

namespace harness::process {

// A free port on 127.0.0.1 (bind to port 0, read it, close). Never the same port twice in this process; the
// kernel's choice also keeps concurrent harness processes apart. The port comes from the ephemeral range, so
// start the service soon: an outgoing connection could take it meanwhile.
util::Expected<std::uint16_t> allocate_port();

// A TCP connection to 127.0.0.1:port, closed by its destructor. connect() waits up to `timeout` and says how it
// ended: connected (fd() is the socket, non-blocking), refused (nothing listens), or failed (timed out, or another
// error). What is_listening, the faults' "port refuses" and RabbitMQ's AMQP handshake probe share.
class LoopbackConnection {
public:
  enum class Result { k_connected, k_refused, k_failed };
  static LoopbackConnection connect(std::uint16_t port, std::chrono::milliseconds timeout);
  ~LoopbackConnection();
  LoopbackConnection(LoopbackConnection&& other) noexcept : m_fd(other.m_fd), m_result(other.m_result) {
    other.m_fd = -1;
  }
  LoopbackConnection(const LoopbackConnection&) = delete;
  LoopbackConnection& operator=(const LoopbackConnection&) = delete;
  LoopbackConnection& operator=(LoopbackConnection&&) = delete;

  Result result() const { return m_result; }
  int fd() const { return m_fd; }

private:
  LoopbackConnection(int fd, Result result) : m_fd(fd), m_result(result) {}
  int m_fd;
  Result m_result;
};

// True when something accepts TCP connections on 127.0.0.1:port (connect with a short timeout, then close).
bool is_listening(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::milliseconds{200});

// Polls is_listening() every 10 ms. True once listening; false when `timeout` passes, the harness is cancelled
// (cancellation.h), or `stop_if` (e.g. "the service exited") returns true first.
bool wait_for_listening(std::uint16_t port, std::chrono::milliseconds timeout,
                        const std::function<bool()>& stop_if = {});

}  // namespace harness::process
