#pragma once
// A TCP proxy for one endpoint of a service, as Toxiproxy's: it listens on 127.0.0.1 at its own port and
// connects each client it accepts to the service's port on 127.0.0.1, through its toxics (toxic.h). One proxy per
// client label ("worker.1", or empty for every client of the service) lets a toxic reach one client instance and
// not the others. Created and used only on the Network's thread (network.h); the Network is its thread-safe face.
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/net/connection_event.h"
#include "harness/net/toxic.h"
#include "harness/util/status.h"

namespace harness::net {

struct ProxySpec {
  std::string name;                 // the proxied endpoint, e.g. "broker" or "broker:15672"
  std::string client;               // the client label; empty: shared by every client
  std::uint16_t upstream_port = 0;  // the service's port on 127.0.0.1
  std::uint16_t listen_port = 0;    // 0: allocate one (process/ports.h)
};

class Proxy {
public:
  using EventSink = std::function<void(ConnectionEvent)>;
  // `next_id` numbers connections across the Network; `sink` gets every connect and close.
  Proxy(boost::asio::io_context& io, ProxySpec spec, std::function<std::uint64_t()> next_id, EventSink sink);
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // Binds 127.0.0.1 at the spec's port (allocating one when 0) and starts accepting. k_infrastructure naming the
  // port and the reason when the bind fails.
  util::Status listen();
  // Closes the listening socket: new connections are refused by the kernel (ECONNREFUSED); open ones go on, those
  // completed but not yet accepted included (they are accepted first).
  void stop_listening();
  bool listening() const;

  const ProxySpec& spec() const { return m_spec; }
  std::uint16_t port() const { return m_spec.listen_port; }

  // Adds a toxic under a name unique on this proxy (k_invalid_input "toxic 'x' is already on proxy 'broker'"),
  // then runs its added() effect. Removing runs removed() and gives back its last report; k_invalid_input
  // "no toxic 'x' on proxy 'broker'" when absent.
  util::Status add_toxic(const std::string& name, std::shared_ptr<Toxic> toxic);
  util::Expected<nlohmann::json> remove_toxic(const std::string& name);
  std::shared_ptr<Toxic> toxic(const std::string& name) const;
  // The toxics acting on one way (k_upstream or k_downstream), in the order they were added.
  std::vector<std::shared_ptr<Toxic>> toxics_for(Direction way) const;

  // The open connections, oldest first.
  std::vector<std::shared_ptr<Connection>> connections() const;
  // Closes the listener and every connection (recorded as closed by the proxy, "shutdown").
  void shut_down();

  // For Connection.
  void connection_opened(Connection& connection);
  void connection_closed(std::uint64_t id);
  void report(ConnectionEvent event);

private:
  boost::asio::awaitable<void> accept_loop(std::uint64_t generation);
  // Starts proxying an accepted client connection (recorded as a connect).
  void adopt(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& m_io;
  ProxySpec m_spec;
  std::function<std::uint64_t()> m_next_id;
  EventSink m_sink;
  boost::asio::ip::tcp::acceptor m_acceptor;
  bool m_shut_down = false;        // shut_down() was called: nothing accepted after is proxied
  std::uint64_t m_generation = 0;  // a new accept loop per listen(); an old one sees the change and ends
  std::vector<std::pair<std::string, std::shared_ptr<Toxic>>> m_toxics;
  std::map<std::uint64_t, std::shared_ptr<Connection>> m_connections;
};

}  // namespace harness::net
