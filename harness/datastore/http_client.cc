#include "harness/datastore/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

namespace harness::datastore {

namespace {
class Socket {
public:
  Socket() : m_fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {}
  ~Socket() {
    if (m_fd >= 0) ::close(m_fd);
  }
  int fd() const { return m_fd; }

private:
  int m_fd;
};

bool wait_fd(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, static_cast<int>(left.count())) == 1;
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
  const std::string where = request.method + " http://127.0.0.1:" + std::to_string(request.port) + request.target;
  const auto deadline = std::chrono::steady_clock::now() + request.timeout;
  Socket sock;
  if (sock.fd() < 0) return util::Status::infrastructure(where + ": " + ::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(request.port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(sock.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    return util::Status::infrastructure(where + ": " + ::strerror(errno));
  }
  if (!wait_fd(sock.fd(), POLLOUT, deadline)) return util::Status::infrastructure(where + ": connect timed out");
  int error = 0;
  socklen_t len = sizeof error;
  ::getsockopt(sock.fd(), SOL_SOCKET, SO_ERROR, &error, &len);
  if (error != 0) return util::Status::infrastructure(where + ": " + ::strerror(error));

  std::string wire = request.method + " " + request.target + " HTTP/1.1\r\nHost: 127.0.0.1:" +
                     std::to_string(request.port) + "\r\nConnection: close\r\nAccept: application/json\r\n";
  if (!request.user.empty()) wire += "Authorization: Basic " + base64_encode(request.user + ":" + request.password) + "\r\n";
  if (!request.body.empty() || request.method == "PUT" || request.method == "POST") {
    wire += "Content-Type: application/json\r\nContent-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  wire += "\r\n" + request.body;
  size_t sent = 0;
  while (sent < wire.size()) {
    if (!wait_fd(sock.fd(), POLLOUT, deadline)) return util::Status::infrastructure(where + ": send timed out");
    const ssize_t n = ::send(sock.fd(), wire.data() + sent, wire.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN) return util::Status::infrastructure(where + ": " + ::strerror(errno));
    if (n > 0) sent += static_cast<size_t>(n);
  }
  std::string reply;
  char buffer[8192];
  while (true) {
    if (!wait_fd(sock.fd(), POLLIN, deadline)) return util::Status::infrastructure(where + ": no reply in time");
    const ssize_t n = ::recv(sock.fd(), buffer, sizeof buffer, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN) continue;
      return util::Status::infrastructure(where + ": " + ::strerror(errno));
    }
    reply.append(buffer, static_cast<size_t>(n));
  }
  HttpResponse response;
  if (reply.rfind("HTTP/1.", 0) != 0 || reply.size() < 12) return util::Status::infrastructure(where + ": not an HTTP reply");
  response.status = std::atoi(reply.c_str() + 9);
  const auto header_end = reply.find("\r\n\r\n");
  std::string body = header_end == std::string::npos ? std::string{} : reply.substr(header_end + 4);
  const std::string headers = reply.substr(0, header_end);
  if (headers.find("Transfer-Encoding: chunked") != std::string::npos ||
      headers.find("transfer-encoding: chunked") != std::string::npos) {
    std::string decoded;
    size_t pos = 0;
    while (pos < body.size()) {
      const auto line_end = body.find("\r\n", pos);
      if (line_end == std::string::npos) break;
      const size_t chunk = std::stoul(body.substr(pos, line_end - pos), nullptr, 16);
      if (chunk == 0) break;
      decoded += body.substr(line_end + 2, chunk);
      pos = line_end + 2 + chunk + 2;
    }
    body = decoded;
  }
  response.body = std::move(body);
  return response;
}

}  // namespace harness::datastore
