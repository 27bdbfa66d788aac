#include "harness/process/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "harness/process/cancellation.h"
#include "tests/process/process_test_util.h"

namespace {
using namespace process_test;
namespace process = harness::process;

class PortsTest : public ProcessTest {};

// A socket listening on 127.0.0.1:port; closed by the destructor.
class Listener {
public:
  explicit Listener(std::uint16_t port) : m_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int on = 1;
    ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    m_ok = ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && ::listen(m_fd, 8) == 0;
  }
  ~Listener() { ::close(m_fd); }
  bool ok() const { return m_ok; }

private:
  int m_fd;
  bool m_ok = false;
};

TEST_F(PortsTest, allocated_ports_are_never_handed_out_twice) {
  std::set<std::uint16_t> ports;
  for (int i = 0; i < 100; ++i) {
    auto port = process::allocate_port();
    ASSERT_TRUE(port.has_value()) << port.error().message();
    EXPECT_TRUE(ports.insert(*port).second) << "port " << *port << " handed out twice";
  }
}

TEST_F(PortsTest, is_listening_detects_a_listener_on_loopback) {
  auto port = process::allocate_port();
  ASSERT_TRUE(port.has_value());
  EXPECT_FALSE(process::is_listening(*port));
  {
    Listener listener(*port);
    ASSERT_TRUE(listener.ok());
    EXPECT_TRUE(process::is_listening(*port));
  }
  EXPECT_FALSE(process::is_listening(*port));
}

TEST_F(PortsTest, wait_for_listening_sees_a_late_listener) {
  auto port = process::allocate_port();
  ASSERT_TRUE(port.has_value());
  std::unique_ptr<Listener> listener;
  std::thread starter([&] {
    std::this_thread::sleep_for(30ms);  // the cause: the service starts listening a little later
    listener = std::make_unique<Listener>(*port);
  });
  const bool listening = process::wait_for_listening(*port, 5s);
  starter.join();
  EXPECT_TRUE(listening);
}

TEST_F(PortsTest, wait_for_listening_stops_when_told_or_timed_out_or_cancelled) {
  auto port = process::allocate_port();
  ASSERT_TRUE(port.has_value());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(process::wait_for_listening(*port, 10s, [] { return true; }));
  EXPECT_FALSE(process::wait_for_listening(*port, 30ms));
  process::reset_for_tests();
  process::request_cancel("stop");
  EXPECT_FALSE(process::wait_for_listening(*port, 10s));
  process::reset_for_tests();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

}  // namespace
