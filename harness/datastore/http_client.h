#pragma once
// A blocking HTTP/1.1 client for the harness's own calls to services on this machine: the RabbitMQ management
// API over TCP on 127.0.0.1 (one call ~65 ms against ~650 ms for a rabbitmqctl call, measured on Debian 12), and
// an API behind a unix socket (the Docker Engine API at unix:///var/run/docker.sock). Only loopback is used.
//
// Built on Boost.Beast (header-only, Debian 12's Boost 1.74), which parses the reply: Content-Length or chunked
// bodies, and it reads exactly one message, so it does not need the server to close the connection to find the
// end of a reply (a keep-alive server works too). One connection per request, sent with Connection: close.
// Every request is bounded by its timeout (connect, send and the whole reply together): it never hangs.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "harness/util/status.h"

namespace harness::datastore {

struct HttpResponse {
  int status = 0;
  std::string body;
};

struct HttpRequest {
  std::string method = "GET";
  std::uint16_t port = 0;                 // on 127.0.0.1, when unix_socket is empty
  std::filesystem::path unix_socket;      // when set: over this unix socket instead of TCP
  std::string target;                     // "/api/policies/%2F/name"
  std::string body;                       // sent as application/json when non-empty (and for PUT/POST)
  std::string user;                       // basic auth when non-empty
  std::string password;
  std::chrono::milliseconds timeout{5000};  // for the whole exchange
  std::map<std::string, std::string> headers;  // more request headers (the Docker API's X-Registry-Auth)
  // When set, a chunked reply's body is handed to it as it arrives (a stream such as the Docker API's pull
  // progress) and not kept in HttpResponse::body; a reply with a Content-Length (an error) is kept as usual.
  std::function<void(std::string_view)> on_body_chunk;
};

// A transport failure is a k_infrastructure Status naming the request ("GET http://127.0.0.1:15672/api/x" or
// "GET unix:/run/docker.sock /v1.41/info") and the reason:
//   "...: cannot connect to 127.0.0.1:15672: Connection refused" (or to the socket's path),
//   "...: timed out after 5000 ms reading the reply" (or connecting, or sending the request),
//   "...: the connection closed before a complete reply",
//   "...: not an HTTP reply (bad version)".
// An unknown method is k_invalid_input. Any HTTP status is a response.
util::Expected<HttpResponse> http_request(const HttpRequest& request);

std::string base64_encode(const std::string& in);
// Percent-encodes a path segment ("/" -> "%2F").
std::string url_encode(const std::string& segment);

}  // namespace harness::datastore
