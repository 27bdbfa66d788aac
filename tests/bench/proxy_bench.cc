// Fault proxy benchmark (issue: network faults). The harness's TCP proxy (harness/net/) with no toxic against
// direct loopback, alternating in one run:
//  - bulk throughput: one connection sends BULK_MIB MiB to a sink that reads and discards; the rate is taken when
//    the sink has read the last byte. Reported: the median of each path and proxy/direct (target >= 90%), and the
//    process's CPU seconds per GiB on each path (what the proxy costs, whatever else the machine runs). Three
//    paths: direct, the proxy with no toxic (splice(2)), and the proxy with a toxic that does nothing (latency 0:
//    the copying path every toxic uses).
//  - small-message round trip: 64-byte ping-pong with an echo server, in blocks of 1,000 alternating between the
//    paths; reported: p50 and p99 of each path and what the proxy adds (targets: p50 <= 50 us, p99 <= 200 us).
// Timings, not assertions: on a shared 2-core machine the proxy's thread competes with the sender and the sink.
//
//   build/tests/proxy_bench [ROUNDS] [BULK_MIB] [ROUND_TRIPS]      (defaults 5, 256, 20000)
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "harness/net/network.h"
#include "tests/net/net_test_util.h"

namespace {
using Clock = std::chrono::steady_clock;

// Reads and discards on 127.0.0.1; tells when a connection has delivered `expected` bytes.
class Sink {
public:
  Sink() : m_listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(m_listener, 16);
    socklen_t length = sizeof address;
    ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length);
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { serve(); });
  }
  ~Sink() {
    ::shutdown(m_listener, SHUT_RDWR);
    m_thread.join();
    ::close(m_listener);
  }
  std::uint16_t port() const { return m_port; }
  // Waits until one connection has been read to its end; returns when its last byte arrived.
  Clock::time_point wait_done() {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_done; });
    m_done = false;
    return m_done_at;
  }

private:
  void serve() {
    std::vector<char> buffer(1 << 20);
    for (;;) {
      const int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      Clock::time_point last = Clock::now();
      while (::recv(fd, buffer.data(), buffer.size(), 0) > 0) last = Clock::now();
      ::close(fd);
      std::lock_guard lock(m_mutex);
      m_done = true;
      m_done_at = last;
      m_cv.notify_all();
    }
  }
  int m_listener;
  std::uint16_t m_port = 0;
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_done = false;
  Clock::time_point m_done_at;
};

double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Bulk {
  std::vector<double> rates;    // MiB/s
  double cpu_per_gib_sum = 0;  // CPU seconds of the whole process per GiB, summed over rounds
};

// MiB/s of one bulk transfer to `port`.
double bulk_rate(Sink& sink, std::uint16_t port, std::size_t mib) {
  const int fd = net_test::loopback_socket_connected_to(port);
  std::vector<char> block(1 << 20, 'b');
  const auto start = Clock::now();
  for (std::size_t i = 0; i < mib; ++i) {
    std::size_t sent = 0;
    while (sent < block.size()) {
      const ssize_t n = ::send(fd, block.data() + sent, block.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return 0;
      sent += static_cast<std::size_t>(n);
    }
  }
  ::close(fd);
  const auto end = sink.wait_done();
  return static_cast<double>(mib) / std::chrono::duration<double>(end - start).count();
}

// Round trips of 64 bytes on one connection, in microseconds.
void round_trips(std::uint16_t port, int count, std::vector<double>& out) {
  const int fd = net_test::loopback_socket_connected_to(port);
  char message[64] = {};
  char reply[64];
  for (int i = 0; i < count; ++i) {
    const auto start = Clock::now();
    if (::send(fd, message, sizeof message, MSG_NOSIGNAL) != sizeof message) break;
    std::size_t got = 0;
    while (got < sizeof reply) {
      const ssize_t n = ::recv(fd, reply + got, sizeof reply - got, 0);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    out.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  ::close(fd);
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}
double median(std::vector<double> v) { return percentile(std::move(v), 0.5); }
}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 5;
  const std::size_t mib = argc > 2 ? static_cast<std::size_t>(std::atoi(argv[2])) : 256;
  const int trips = argc > 3 ? std::atoi(argv[3]) : 20000;

  Sink sink;
  net_test::EchoServer echo;
  harness::net::Network network;
  auto bulk_proxy = network.add_proxy({.name = "sink", .client = "", .upstream_port = sink.port()});
  auto echo_proxy = network.add_proxy({.name = "echo", .client = "", .upstream_port = echo.port()});
  if (!bulk_proxy || !echo_proxy) {
    std::cerr << "proxy_bench: cannot start the proxies\n";
    return 1;
  }

  harness::net::Network copying;  // its proxy always carries a toxic that does nothing
  auto copy_proxy = copying.add_proxy({.name = "sink", .client = "", .upstream_port = sink.port()});
  if (!copy_proxy || !copying.add_toxic({}, "nothing", "latency", harness::net::Direction::k_both, {{"latency", 0}})) {
    std::cerr << "proxy_bench: cannot start the copying proxy\n";
    return 1;
  }
  Bulk direct, proxied, copied;
  auto measure = [&](Bulk& bulk, std::uint16_t port) {
    const double cpu = cpu_seconds();
    bulk.rates.push_back(bulk_rate(sink, port, mib));
    bulk.cpu_per_gib_sum += (cpu_seconds() - cpu) * 1024 / static_cast<double>(mib);
  };
  for (int r = 0; r < rounds; ++r) {
    measure(direct, sink.port());
    measure(proxied, bulk_proxy->port);
    measure(copied, copy_proxy->port);
  }
  std::vector<double> direct_rtt, proxied_rtt;
  for (int done = 0; done < trips; done += 1000) {
    round_trips(echo.port(), std::min(1000, trips - done), direct_rtt);
    round_trips(echo_proxy->port, std::min(1000, trips - done), proxied_rtt);
  }

  const double direct_mib = median(direct.rates);
  std::cout << "bulk " << mib << " MiB x " << rounds << " (median MiB/s, % of direct, CPU s per GiB):\n";
  for (const auto& [name, bulk] : {std::pair<const char*, Bulk*>{"direct", &direct}, {"proxy", &proxied},
                                   {"proxy, copying", &copied}}) {
    const double rate = median(bulk->rates);
    std::cout << "  " << name << ": " << rate << " MiB/s, " << 100 * rate / direct_mib << "%, "
              << bulk->cpu_per_gib_sum / rounds << " CPU s/GiB\n";
  }
  for (double p : {0.5, 0.99}) {
    const double d = percentile(direct_rtt, p), x = percentile(proxied_rtt, p);
    std::cout << "round trip p" << static_cast<int>(p * 100) << ": direct " << d << " us, proxy " << x
              << " us, added " << x - d << " us\n";
  }
  return 0;
}
