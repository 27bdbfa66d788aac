#pragma once
// A tiny in-process HTTP server for unit tests of HTTP clients: on 127.0.0.1 at an ephemeral port, or on a unix
// socket. Each connection's request is read with Beast and kept; the handler returns the raw bytes of the reply
// (so a test can send a chunked one), or nullopt to never answer (the connection stays open until the server
// ends). Runs its own thread; the destructor stops it.
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace datastore_test {

class HttpTestServer {
public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Handler = std::function<std::optional<std::string>(const Request&)>;

  // On 127.0.0.1, an ephemeral port.
  explicit HttpTestServer(Handler handler) : m_handler(std::move(handler)) {
    namespace ip = boost::asio::ip;
    m_tcp.emplace(m_io, ip::tcp::endpoint(ip::address_v4::loopback(), 0));
    m_port = m_tcp->local_endpoint().port();
    accept_next(*m_tcp);
    m_thread = std::thread([this] { m_io.run(); });
  }
  // On a unix socket at `path`.
  HttpTestServer(const std::filesystem::path& path, Handler handler) : m_handler(std::move(handler)) {
    m_local.emplace(m_io, boost::asio::local::stream_protocol::endpoint(path.string()));
    accept_next(*m_local);
    m_thread = std::thread([this] { m_io.run(); });
  }
  ~HttpTestServer() {
    m_io.stop();
    m_thread.join();
  }
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  std::uint16_t port() const { return m_port; }
  std::vector<Request> requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }

  // A complete reply with a Content-Length body.
  static std::string reply(int status, const std::string& body, const std::string& type = "application/json") {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

private:
  template <typename Socket>
  struct Session {
    explicit Session(Socket s) : socket(std::move(s)) {}
    Socket socket;
    boost::beast::flat_buffer buffer;
    Request request;
    std::string reply;
  };

  template <typename Acceptor>
  void accept_next(Acceptor& acceptor) {
    acceptor.async_accept([this, &acceptor](boost::system::error_code ec, auto socket) {
      if (ec) return;
      using Socket = decltype(socket);
      auto session = std::make_shared<Session<Socket>>(std::move(socket));
      boost::beast::http::async_read(session->socket, session->buffer, session->request,
                                     [this, session](boost::system::error_code ec, std::size_t) {
        if (ec) return;
        {
          std::lock_guard lock(m_mutex);
          m_requests.push_back(session->request);
        }
        auto reply = m_handler(session->request);
        if (!reply) return m_held.push_back(session);  // never answered
        session->reply = std::move(*reply);
        boost::asio::async_write(session->socket, boost::asio::buffer(session->reply),
                                 [session](boost::system::error_code, std::size_t) {
          boost::system::error_code ignored;
          session->socket.shutdown(Socket::shutdown_both, ignored);
        });
      });
      accept_next(acceptor);
    });
  }

  Handler m_handler;
  boost::asio::io_context m_io;
  std::optional<boost::asio::ip::tcp::acceptor> m_tcp;
  std::optional<boost::asio::local::stream_protocol::acceptor> m_local;
  std::uint16_t m_port = 0;
  std::vector<std::shared_ptr<void>> m_held;  // only touched on the server's thread
  mutable std::mutex m_mutex;
  std::vector<Request> m_requests;
  std::thread m_thread;
};

}  // namespace datastore_test
