#pragma once
// One client connection through a Proxy and its connection to the service: two ways (upstream: client ->
// service, downstream: service -> client), each a loop that reads a chunk, passes it through the toxics of its
// way (toxic.h), writes it, and reads the next; a way with no toxic moves its bytes with splice(2) instead. A FIN
// is passed on as a FIN (shutdown of the sending side); an RST from one side is passed on as an RST to the other.
// Lives on the Network's thread, owned by shared_ptr (its coroutines hold it); the Proxy keeps the open ones.
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "harness/net/toxic.h"

namespace harness::net {

class Connection : public std::enable_shared_from_this<Connection> {
public:
  Connection(Proxy& proxy, std::uint64_t id, boost::asio::ip::tcp::socket client);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects to the service, then runs both ways until the connection closes.
  void start();

  std::uint64_t id() const { return m_id; }
  bool closed() const { return m_closed; }

  // Ends the connection now with an RST to the client (towards k_downstream), to the service (k_upstream) or
  // both; a side that gets no RST is closed normally. Recorded as closed by the proxy, `how` as given.
  void reset(Direction towards, const std::string& how);
  // Ends the connection with a normal close of both sides.
  void close(const std::string& closed_by, const std::string& how);

private:
  // A pipe for splice(2), or none when the system would not give one (the way then copies).
  class SplicePipe {
  public:
    SplicePipe();
    ~SplicePipe();
    SplicePipe(const SplicePipe&) = delete;
    SplicePipe& operator=(const SplicePipe&) = delete;
    bool open() const { return m_fds[0] >= 0; }
    int read_fd() const { return m_fds[0]; }
    int write_fd() const { return m_fds[1]; }
    std::size_t size() const { return m_size; }

  private:
    int m_fds[2] = {-1, -1};
    std::size_t m_size = 0;
  };
  struct Way {
    Way(Direction way, boost::asio::ip::tcp::socket& from, boost::asio::ip::tcp::socket& to,
        const boost::asio::any_io_executor& executor)
        : way(way), from(from), to(to), timer(executor) {}
    Direction way;
    boost::asio::ip::tcp::socket& from;
    boost::asio::ip::tcp::socket& to;
    boost::asio::steady_timer timer;  // a way is sequential: one sleep or wait at a time
    std::vector<char> buffer;  // the copying path's (a way with toxics), allocated on first use
    SplicePipe pipe;           // the path with no toxic
    std::uint64_t bytes = 0;  // written to `to`
    bool finished = false;    // FIN read and passed on
  };
  class ChainLink;

  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> pump(Way& way);
  boost::asio::awaitable<boost::system::error_code> splice_once(Way& way);
  boost::asio::awaitable<void> transmit(Way& way, const std::vector<std::shared_ptr<Toxic>>& chain, std::size_t index,
                                        std::span<const char> bytes);
  boost::asio::awaitable<void> finish(Way& way);
  void end(const std::string& closed_by, const std::string& how, bool rst_client, bool rst_service);
  // "client" for the upstream way's source, "service" for the downstream one's.
  static std::string source_of(const Way& way);
  static std::string destination_of(const Way& way);

  Proxy& m_proxy;
  const std::uint64_t m_id;
  boost::asio::ip::tcp::socket m_client;
  boost::asio::ip::tcp::socket m_service;
  Way m_up;
  Way m_down;
  bool m_closed = false;
  std::string m_first_fin;  // who sent the first FIN, for the close event
};

}  // namespace harness::net
