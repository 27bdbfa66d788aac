#include "harness/net/connection.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "harness/net/proxy.h"

namespace harness::net {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
// The copying path's buffer (a way with toxics): large enough that a bulk transfer moves in few system calls.
constexpr std::size_t k_buffer_size = 256 * 1024;

void abort_socket(tcp::socket& socket, bool rst) {
  boost::system::error_code ignored;
  if (!socket.is_open()) return;
  // SO_LINGER with a zero timeout makes close() send an RST instead of a FIN.
  if (rst) socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

std::string describe(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_reset) return "reset";
  if (ec == asio::error::connection_refused) return "refused";
  return "error: " + ec.message();
}
}  // namespace

// What a toxic at position `index` of `chain` sees of the way a chunk travels.
class Connection::ChainLink final : public Link {
public:
  ChainLink(Connection& connection, Way& way, const std::vector<std::shared_ptr<Toxic>>& chain, std::size_t index)
      : m_connection(connection), m_way(way), m_chain(chain), m_index(index) {}
  std::uint64_t connection_id() const override { return m_connection.id(); }
  Direction way() const override { return m_way.way; }
  asio::awaitable<void> forward(std::span<const char> bytes) override {
    co_await m_connection.transmit(m_way, m_chain, m_index + 1, bytes);
  }
  asio::awaitable<void> sleep(std::chrono::steady_clock::duration delay) override {
    if (m_connection.closed()) co_return;
    boost::system::error_code ec;
    m_way.timer.expires_after(delay);
    co_await m_way.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  asio::awaitable<void> wait() override { co_await sleep(std::chrono::steady_clock::duration::max()); }
  std::function<void()> waker() override {
    std::weak_ptr<Connection> weak = m_connection.shared_from_this();
    Way* way = &m_way;
    return [weak, way] {
      if (auto connection = weak.lock()) way->timer.cancel();
    };
  }
  bool closed() const override { return m_connection.closed(); }
  void close_connection(std::string_view reason) override { m_connection.close("proxy", std::string(reason)); }

private:
  Connection& m_connection;
  Way& m_way;
  const std::vector<std::shared_ptr<Toxic>>& m_chain;
  std::size_t m_index;
};

Connection::SplicePipe::SplicePipe() {
  if (::pipe2(m_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    m_fds[0] = m_fds[1] = -1;
    return;
  }
  // 1 MiB (the default limit for an unprivileged process) moves a bulk transfer in few splices; the default
  // 64 KiB is kept when the system refuses.
  const int size = ::fcntl(m_fds[1], F_SETPIPE_SZ, 1 << 20);
  m_size = static_cast<std::size_t>(size > 0 ? size : ::fcntl(m_fds[1], F_GETPIPE_SZ));
}

Connection::SplicePipe::~SplicePipe() {
  if (m_fds[0] >= 0) ::close(m_fds[0]);
  if (m_fds[1] >= 0) ::close(m_fds[1]);
}

Connection::Connection(Proxy& proxy, std::uint64_t id, tcp::socket client)
    : m_proxy(proxy),
      m_id(id),
      m_client(std::move(client)),
      m_service(m_client.get_executor()),
      m_up(Direction::k_upstream, m_client, m_service, m_client.get_executor()),
      m_down(Direction::k_downstream, m_service, m_client, m_client.get_executor()) {}

void Connection::start() {
  asio::co_spawn(m_client.get_executor(), [self = shared_from_this()]() { return self->run(); }, asio::detached);
}

asio::awaitable<void> Connection::run() {
  auto self = shared_from_this();
  boost::system::error_code ec;
  co_await m_service.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), m_proxy.spec().upstream_port),
                                   asio::redirect_error(asio::use_awaitable, ec));
  if (m_closed) co_return;
  if (ec) {
    end("service", describe(ec), true, false);
    co_return;
  }
  // A proxy must not add Nagle's delay to small writes it passes on; the client's own choice is not visible here.
  m_client.set_option(tcp::no_delay(true), ec);
  m_service.set_option(tcp::no_delay(true), ec);
  // splice(2) with the sockets must not block the proxy's thread.
  m_client.native_non_blocking(true, ec);
  m_service.native_non_blocking(true, ec);
  m_proxy.connection_opened(*this);
  if (m_closed) co_return;
  asio::co_spawn(m_client.get_executor(), [self]() { return self->pump(self->m_up); }, asio::detached);
  asio::co_spawn(m_client.get_executor(), [self]() { return self->pump(self->m_down); }, asio::detached);
}

asio::awaitable<void> Connection::pump(Way& way) {
  auto self = shared_from_this();
  for (;;) {
    const auto chain = m_proxy.toxics_for(way.way);
    boost::system::error_code ec;
    if (chain.empty() && way.pipe.open()) {
      ec = co_await splice_once(way);
    } else {
      if (way.buffer.empty()) way.buffer.resize(k_buffer_size);
      const std::size_t n =
          co_await way.from.async_read_some(asio::buffer(way.buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (!ec && !m_closed) co_await transmit(way, chain, 0, std::span<const char>(way.buffer.data(), n));
    }
    if (m_closed) co_return;
    if (ec == asio::error::eof) {
      co_await finish(way);
      co_return;
    }
    if (ec) {  // an RST (or another error) from the source is passed on as an RST to the destination
      const bool from_client = way.way == Direction::k_upstream;
      end(source_of(way), describe(ec), !from_client, from_client);
      co_return;
    }
  }
}

// With no toxic on a way, bytes go from socket to socket through a pipe with splice(2), never copied through the
// proxy's memory: this keeps a bulk transfer through the proxy close to direct loopback. The source's bytes are
// spliced only when no toxic is present at that moment (a toxic added meanwhile sees the next read); what was
// spliced in is written out whole, as a chunk in flight is on the copying path.
asio::awaitable<boost::system::error_code> Connection::splice_once(Way& way) {
  boost::system::error_code ec;
  co_await way.from.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
  if (m_closed || ec || !m_proxy.toxics_for(way.way).empty()) co_return ec;
  const ssize_t n = ::splice(way.from.native_handle(), nullptr, way.pipe.write_fd(), nullptr, way.pipe.size(),
                             SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (n == 0) co_return asio::error::eof;
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) co_return ec;
    co_return boost::system::error_code(errno, asio::error::get_system_category());
  }
  auto pending = static_cast<std::size_t>(n);
  while (pending > 0) {
    const ssize_t m = ::splice(way.pipe.read_fd(), nullptr, way.to.native_handle(), nullptr, pending,
                               SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (m > 0) {
      pending -= static_cast<std::size_t>(m);
      way.bytes += static_cast<std::size_t>(m);
      continue;
    }
    boost::system::error_code write_ec(errno, asio::error::get_system_category());
    if (m < 0 && (errno == EAGAIN || errno == EINTR))
      co_await way.to.async_wait(tcp::socket::wait_write, asio::redirect_error(asio::use_awaitable, write_ec));
    if (m_closed) co_return ec;
    if (write_ec) {
      const bool to_client = way.way == Direction::k_downstream;
      end(destination_of(way), describe(write_ec), !to_client, to_client);
      co_return ec;
    }
  }
  co_return ec;
}

asio::awaitable<void> Connection::transmit(Way& way, const std::vector<std::shared_ptr<Toxic>>& chain,
                                           std::size_t index, std::span<const char> bytes) {
  if (m_closed || bytes.empty()) co_return;
  if (index < chain.size()) {
    ChainLink link(*this, way, chain, index);
    co_await chain[index]->transmit(link, bytes);
    co_return;
  }
  boost::system::error_code ec;
  co_await asio::async_write(way.to, asio::buffer(bytes.data(), bytes.size()),
                             asio::redirect_error(asio::use_awaitable, ec));
  if (m_closed) co_return;
  if (ec) {
    const bool to_client = way.way == Direction::k_downstream;
    end(destination_of(way), describe(ec), !to_client, to_client);
    co_return;
  }
  way.bytes += bytes.size();
}

// The source sent its FIN: the toxics' closing() (slow-close), then a FIN to the destination. The connection
// ends when both ways have.
asio::awaitable<void> Connection::finish(Way& way) {
  if (m_first_fin.empty()) m_first_fin = source_of(way);
  const auto chain = m_proxy.toxics_for(way.way);
  for (std::size_t i = 0; i < chain.size() && !m_closed; ++i) {
    ChainLink link(*this, way, chain, i);
    co_await chain[i]->closing(link);
  }
  if (m_closed) co_return;
  boost::system::error_code ignored;
  way.to.shutdown(tcp::socket::shutdown_send, ignored);
  way.finished = true;
  if (m_up.finished && m_down.finished) end(m_first_fin, "fin", false, false);
}

void Connection::reset(Direction towards, const std::string& how) {
  end("proxy", how, applies(towards, Direction::k_downstream), applies(towards, Direction::k_upstream));
}

void Connection::close(const std::string& closed_by, const std::string& how) { end(closed_by, how, false, false); }

void Connection::end(const std::string& closed_by, const std::string& how, bool rst_client, bool rst_service) {
  if (m_closed) return;
  m_closed = true;
  abort_socket(m_client, rst_client);
  abort_socket(m_service, rst_service);
  m_up.timer.cancel();
  m_down.timer.cancel();
  m_proxy.report({.kind = ConnectionEvent::Kind::k_close,
                  .proxy = m_proxy.spec().name,
                  .client = m_proxy.spec().client,
                  .connection = m_id,
                  .closed_by = closed_by,
                  .how = how,
                  .bytes_upstream = m_up.bytes,
                  .bytes_downstream = m_down.bytes});
  m_proxy.connection_closed(m_id);  // may drop the Proxy's reference: the coroutines still hold one
}

std::string Connection::source_of(const Way& way) {
  return way.way == Direction::k_upstream ? "client" : "service";
}
std::string Connection::destination_of(const Way& way) {
  return way.way == Direction::k_upstream ? "service" : "client";
}

}  // namespace harness::net
