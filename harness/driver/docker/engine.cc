#include "harness/driver/docker/engine.h"

#include <cstdlib>
#include <sstream>

#include "harness/datastore/http_client.h"

namespace harness::driver::docker {
namespace {
constexpr const char* k_default_socket = "/var/run/docker.sock";
// The private engine scripts/dockerd starts where no other is reachable (the test set-up does).
constexpr const char* k_private_socket = "/run/celery-chaos-docker/docker.sock";
constexpr const char* k_oldest_api = "1.41";  // Debian 12's docker.io (Engine 20.10)
constexpr const char* k_newest_api = "1.45";  // what this client was written against (Engine 26)

std::pair<int, int> parse_version(const std::string& v) {
  int major = 0, minor = 0;
  char dot = 0;
  std::istringstream in(v);
  in >> major >> dot >> minor;
  return {major, minor};
}

std::string how_to_start(const std::filesystem::path& socket) {
  return "no Docker engine answers at unix://" + socket.string();
}
constexpr const char* k_start_hint =
    ": start one (scripts/dockerd start starts a private engine and prints its DOCKER_HOST=...; the Debian package "
    "is docker.io) or set DOCKER_HOST=unix://PATH";
}  // namespace

int compare_api_versions(const std::string& a, const std::string& b) {
  const auto x = parse_version(a), y = parse_version(b);
  return x < y ? -1 : (x == y ? 0 : 1);
}

std::string negotiate_api_version(const std::string& engine_api) {
  if (compare_api_versions(engine_api, k_oldest_api) < 0) return {};
  return compare_api_versions(engine_api, k_newest_api) > 0 ? k_newest_api : engine_api;
}

util::Expected<std::filesystem::path> Engine::socket_from_environment() {
  const char* host = std::getenv("DOCKER_HOST");
  if (!host || !*host) {
    std::error_code ec;
    if (!std::filesystem::exists(k_default_socket, ec) && std::filesystem::exists(k_private_socket, ec))
      return std::filesystem::path(k_private_socket);
    return std::filesystem::path(k_default_socket);
  }
  const std::string value = host;
  if (value.rfind("unix://", 0) != 0) {
    return util::Status::invalid("DOCKER_HOST=" + value +
                                 " is not a unix socket: the docker driver only speaks to an engine on this machine "
                                 "(unix:///var/run/docker.sock)");
  }
  return std::filesystem::path(value.substr(7));
}

util::Expected<Engine> Engine::connect(const std::filesystem::path& socket) {
  datastore::HttpRequest request;
  request.unix_socket = socket;
  request.target = "/version";
  request.timeout = std::chrono::seconds{5};
  auto reply = datastore::http_request(request);
  if (!reply) return util::Status::infrastructure(how_to_start(socket) + " (" + reply.error().message() + ")" + k_start_hint);
  const auto info = nlohmann::json::parse(reply->body, nullptr, false);
  if (reply->status != 200 || !info.is_object() || !info.contains("ApiVersion")) {
    return util::Status::infrastructure("unix://" + socket.string() + " is not a Docker engine (GET /version: " +
                                        std::to_string(reply->status) + ")");
  }
  Engine engine;
  engine.m_socket = socket;
  engine.m_engine_version = info.value("Version", "");
  const std::string offered = info.value("ApiVersion", "");
  engine.m_api_version = negotiate_api_version(offered);
  if (engine.m_api_version.empty()) {
    return util::Status::infrastructure("the Docker engine at unix://" + socket.string() + " speaks API " + offered +
                                        ", older than " + k_oldest_api + " (Engine 20.10), the oldest supported");
  }
  return engine;
}

namespace {
util::Expected<EngineReply> send(datastore::HttpRequest& request) {
  auto reply = datastore::http_request(request);
  if (!reply) return reply.error();
  EngineReply out;
  out.status = reply->status;
  out.text = std::move(reply->body);
  if (!out.text.empty()) out.body = nlohmann::json::parse(out.text, nullptr, false);
  if (out.body.is_discarded()) out.body = nullptr;
  return out;
}
}  // namespace

util::Expected<EngineReply> Engine::call(const std::string& method, const std::string& target,
                                         const nlohmann::json& body, std::chrono::milliseconds timeout) const {
  datastore::HttpRequest request;
  request.method = method;
  request.unix_socket = m_socket;
  request.target = "/v" + m_api_version + target;
  if (!body.is_null()) request.body = body.dump();
  request.timeout = timeout;
  return send(request);
}

util::Expected<EngineReply> Engine::stream(const std::string& method, const std::string& target,
                                           const std::function<void(std::string_view)>& on_chunk,
                                           std::chrono::milliseconds timeout,
                                           const std::map<std::string, std::string>& headers) const {
  datastore::HttpRequest request;
  request.method = method;
  request.unix_socket = m_socket;
  request.target = "/v" + m_api_version + target;
  request.timeout = timeout;
  request.headers = headers;
  request.on_body_chunk = on_chunk;
  return send(request);
}

util::Expected<EngineReply> Engine::expect_ok(const std::string& method, const std::string& target,
                                              const nlohmann::json& body, std::chrono::milliseconds timeout) const {
  auto reply = call(method, target, body, timeout);
  if (!reply) return reply.error();
  if (reply->status / 100 == 2) return reply;
  std::string message = reply->body.is_object() ? reply->body.value("message", reply->text) : reply->text;
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return util::Status::infrastructure("docker: " + method + " " + target.substr(0, target.find('?')) + ": " +
                                      std::to_string(reply->status) + " " + message);
}

}  // namespace harness::driver::docker
