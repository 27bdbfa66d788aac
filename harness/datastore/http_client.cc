#include "harness/datastore/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace harness::datastore {

namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// The largest reply body read (GET /api/queues of a broker with thousands of queues stays far below it).
constexpr std::uint64_t k_body_limit = 64ull << 20;

template <typename Protocol>
using Stream = beast::basic_stream<Protocol, asio::any_io_executor, beast::unlimited_rate_policy>;

// What failed, and in which phase, for the message.
struct Failure {
  beast::error_code error;
  const char* phase = "";
};

std::string describe(const Failure& failure, const HttpRequest& request, const std::string& peer) {
  const auto& ec = failure.error;
  if (ec == beast::error::timeout)
    return "timed out after " + std::to_string(request.timeout.count()) + " ms " + failure.phase;
  if (std::string_view(failure.phase) == "connecting") return "cannot connect to " + peer + ": " + ec.message();
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == http::error::partial_message)
    return "the connection closed before a complete reply";
  if (ec.category() == beast::error_code(http::error::bad_version).category()) return "not an HTTP reply (" + ec.message() + ")";
  return ec.message() + " " + failure.phase;
}

// Connects, sends `message` and reads the reply on `stream`, all within the request's timeout (Beast's stream
// timer bounds every asynchronous operation started after expires_after; synchronous ones would not be bounded).
template <typename Protocol>
util::Expected<HttpResponse> exchange(const typename Protocol::endpoint& endpoint,
                                      http::request<http::string_body>& message, const HttpRequest& request,
                                      const std::string& where, const std::string& peer) {
  asio::io_context io;
  Stream<Protocol> stream(io);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(k_body_limit);
  std::function<std::uint64_t(std::uint64_t, beast::string_view, beast::error_code&)> on_chunk;
  if (request.on_body_chunk) {
    on_chunk = [&request](std::uint64_t, beast::string_view data, beast::error_code&) {
      request.on_body_chunk(std::string_view(data.data(), data.size()));
      return static_cast<std::uint64_t>(data.size());  // consumed: not kept in the body
    };
    parser.on_chunk_body(on_chunk);
  }
  Failure failure;
  stream.expires_after(request.timeout);
  stream.async_connect(endpoint, [&](beast::error_code ec) {
    if (ec) return void(failure = {ec, "connecting"});
    http::async_write(stream, message, [&](beast::error_code ec, std::size_t) {
      if (ec) return void(failure = {ec, "sending the request"});
      http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
        if (ec) failure = {ec, "reading the reply"};
      });
    });
  });
  io.run();
  if (failure.error) return util::Status::infrastructure(where + ": " + describe(failure, request, peer));
  auto reply = parser.release();
  return HttpResponse{static_cast<int>(reply.result_int()), std::move(reply.body())};
}
}  // namespace

std::string base64_encode(const std::string& in) {
  static const char k_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += {k_chars[(v >> 18) & 63], k_chars[(v >> 12) & 63], k_chars[(v >> 6) & 63], k_chars[v & 63]};
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {k_chars[(v >> 18) & 63], k_chars[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {k_chars[(v >> 18) & 63], k_chars[(v >> 12) & 63], k_chars[(v >> 6) & 63], '='};
  }
  return out;
}

std::string url_encode(const std::string& segment) {
  static const char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : segment) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += {'%', k_hex[c >> 4], k_hex[c & 15]};
    }
  }
  return out;
}

util::Expected<HttpResponse> http_request(const HttpRequest& request) {
  const bool over_unix = !request.unix_socket.empty();
  const std::string peer = over_unix ? request.unix_socket.string() : "127.0.0.1:" + std::to_string(request.port);
  const std::string where = over_unix ? request.method + " unix:" + peer + " " + request.target
                                      : request.method + " http://" + peer + request.target;
  const http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) return util::Status::invalid(where + ": unknown HTTP method");

  http::request<http::string_body> message{verb, request.target, 11};
  message.set(http::field::host, over_unix ? std::string("localhost") : peer);
  message.set(http::field::connection, "close");
  message.set(http::field::accept, "application/json");
  for (const auto& [name, value] : request.headers) message.set(name, value);
  if (!request.user.empty())
    message.set(http::field::authorization, "Basic " + base64_encode(request.user + ":" + request.password));
  if (!request.body.empty() || verb == http::verb::put || verb == http::verb::post) {
    message.set(http::field::content_type, "application/json");
    message.body() = request.body;
  }
  message.prepare_payload();

  if (over_unix) {
    return exchange<asio::local::stream_protocol>(asio::local::stream_protocol::endpoint(peer), message, request,
                                                  where, peer);
  }
  const asio::ip::tcp::endpoint endpoint(asio::ip::address_v4::loopback(), request.port);
  return exchange<asio::ip::tcp>(endpoint, message, request, where, peer);
}

}  // namespace harness::datastore
