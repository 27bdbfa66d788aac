#include "harness/net/proxy.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "harness/net/connection.h"
#include "harness/process/ports.h"

namespace harness::net {
namespace asio = boost::asio;
using asio::ip::tcp;

Proxy::Proxy(asio::io_context& io, ProxySpec spec, std::function<std::uint64_t()> next_id, EventSink sink)
    : m_io(io), m_spec(std::move(spec)), m_next_id(std::move(next_id)), m_sink(std::move(sink)), m_acceptor(io) {}

Proxy::~Proxy() { shut_down(); }

util::Status Proxy::listen() {
  if (m_spec.listen_port == 0) {
    auto port = process::allocate_port();
    if (!port) return port.error();
    m_spec.listen_port = *port;
  }
  boost::system::error_code ec;
  const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), m_spec.listen_port);
  m_acceptor.open(endpoint.protocol(), ec);
  // The port is this proxy's own: listening again after `refuse` must not wait for old connections' TIME_WAIT.
  if (!ec) m_acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) m_acceptor.bind(endpoint, ec);
  if (!ec) m_acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    m_acceptor.close(ignored);
    return util::Status::infrastructure("proxy '" + m_spec.name + "' cannot listen on 127.0.0.1:" +
                                        std::to_string(m_spec.listen_port) + ": " + ec.message());
  }
  const auto generation = ++m_generation;
  asio::co_spawn(m_io, accept_loop(generation), asio::detached);
  return {};
}

void Proxy::stop_listening() {
  ++m_generation;
  // Connections the kernel has completed but the accept loop has not taken yet are open to their clients: they are
  // taken now, to be kept (or cut) as the others are, rather than reset with the listening socket.
  boost::system::error_code ec;
  m_acceptor.non_blocking(true, ec);
  while (!ec) {
    tcp::socket socket(m_acceptor.get_executor());
    m_acceptor.accept(socket, ec);
    if (!ec && !m_shut_down) adopt(std::move(socket));
  }
  m_acceptor.close(ec);
}

bool Proxy::listening() const { return m_acceptor.is_open(); }

asio::awaitable<void> Proxy::accept_loop(std::uint64_t generation) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await m_acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    // A connection accepted before listening stopped (its completion was still queued) is open to its client: it
    // is proxied as the others are (a refuse toxic keeps it), unless the proxy is shut down. An error: e.g. the
    // client reset before the accept, or the listening socket closed: nothing to proxy.
    if (!ec && !m_shut_down) adopt(std::move(socket));
    if (generation != m_generation || !m_acceptor.is_open()) co_return;
  }
}

void Proxy::adopt(tcp::socket socket) {
  const auto id = m_next_id();
  auto connection = std::make_shared<Connection>(*this, id, std::move(socket));
  m_connections.emplace(id, connection);
  ConnectionEvent opened;
  opened.kind = ConnectionEvent::Kind::k_connect;
  opened.proxy = m_spec.name;
  opened.client = m_spec.client;
  opened.connection = id;
  report(std::move(opened));
  connection->start();
}

util::Status Proxy::add_toxic(const std::string& name, std::shared_ptr<Toxic> toxic) {
  if (this->toxic(name)) return util::Status::invalid("toxic '" + name + "' is already on proxy '" + m_spec.name + "'");
  m_toxics.emplace_back(name, toxic);
  return toxic->added(*this);
}

util::Expected<nlohmann::json> Proxy::remove_toxic(const std::string& name) {
  for (auto it = m_toxics.begin(); it != m_toxics.end(); ++it) {
    if (it->first != name) continue;
    auto toxic = it->second;
    m_toxics.erase(it);
    auto status = toxic->removed(*this);
    if (!status) return status;
    return toxic->report();
  }
  return util::Status::invalid("no toxic '" + name + "' on proxy '" + m_spec.name + "'");
}

std::shared_ptr<Toxic> Proxy::toxic(const std::string& name) const {
  for (const auto& [n, t] : m_toxics)
    if (n == name) return t;
  return nullptr;
}

std::vector<std::shared_ptr<Toxic>> Proxy::toxics_for(Direction way) const {
  std::vector<std::shared_ptr<Toxic>> chain;
  for (const auto& entry : m_toxics)
    if (applies(entry.second->direction(), way)) chain.push_back(entry.second);
  return chain;
}

std::vector<std::shared_ptr<Connection>> Proxy::connections() const {
  std::vector<std::shared_ptr<Connection>> open;
  for (const auto& entry : m_connections) open.push_back(entry.second);
  return open;
}

void Proxy::shut_down() {
  m_shut_down = true;
  stop_listening();
  for (const auto& connection : connections()) connection->close("proxy", "shutdown");
}

void Proxy::connection_opened(Connection& connection) {
  const auto toxics = m_toxics;  // a toxic's effect may not change the list, but stay safe if it does
  for (const auto& entry : toxics) {
    if (connection.closed()) return;
    entry.second->connection_opened(connection);
  }
}

void Proxy::connection_closed(std::uint64_t id) { m_connections.erase(id); }

void Proxy::report(ConnectionEvent event) {
  if (m_sink) m_sink(std::move(event));
}

}  // namespace harness::net
