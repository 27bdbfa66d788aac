#pragma once
// A client of the Docker Engine API over its unix socket (Boost.Beast, datastore/http_client.h).
//
// Where: DOCKER_HOST when it is unix://PATH, else /var/run/docker.sock, else (when that does not exist) the private
// engine scripts/dockerd starts, /run/celery-chaos-docker/docker.sock. A tcp:// DOCKER_HOST is refused: the
// harness speaks only to a local engine. Which API version: the engine's own (GET /version's ApiVersion), capped
// at the newest this client knows and refused below 1.41 (Debian 12's docker.io, Engine 20.10.24, speaks 1.41);
// every call is then made as /v<version>/....
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "harness/util/status.h"

namespace harness::driver::docker {

struct EngineReply {
  int status = 0;
  nlohmann::json body;  // null when the body was empty or not JSON
  std::string text;     // the raw body
};

class Engine {
public:
  // The socket to use (above); k_invalid_input for a DOCKER_HOST of another scheme.
  static util::Expected<std::filesystem::path> socket_from_environment();
  // Pings the engine at `socket` and negotiates the API version. No engine reachable is k_infrastructure:
  // "no Docker engine answers at unix:///var/run/docker.sock (cannot connect ...): start one (scripts/dockerd start
  // prints a DOCKER_HOST=...) or set DOCKER_HOST".
  static util::Expected<Engine> connect(const std::filesystem::path& socket);
  static util::Expected<Engine> connect() {
    auto socket = socket_from_environment();
    if (!socket) return socket.error();
    return connect(*socket);
  }

  // METHOD /v<api>/TARGET with an optional JSON body. A transport failure is k_infrastructure; any HTTP status is
  // a reply.
  util::Expected<EngineReply> call(const std::string& method, const std::string& target,
                                   const nlohmann::json& body = nullptr,
                                   std::chrono::milliseconds timeout = std::chrono::seconds{30}) const;
  // call() that wants a 2xx: anything else is k_infrastructure "docker: POST /containers/create: 404 No such
  // image: x" (the engine's own message).
  util::Expected<EngineReply> expect_ok(const std::string& method, const std::string& target,
                                        const nlohmann::json& body = nullptr,
                                        std::chrono::milliseconds timeout = std::chrono::seconds{30}) const;

  // A call whose reply is a stream (POST /images/create's pull progress): `on_chunk` gets the body as it arrives
  // and the reply's body holds only what was not streamed (an error with a Content-Length). `headers` are sent
  // as they are.
  util::Expected<EngineReply> stream(const std::string& method, const std::string& target,
                                     const std::function<void(std::string_view)>& on_chunk,
                                     std::chrono::milliseconds timeout,
                                     const std::map<std::string, std::string>& headers = {}) const;

  const std::filesystem::path& socket() const { return m_socket; }
  const std::string& api_version() const { return m_api_version; }     // "1.41"
  const std::string& engine_version() const { return m_engine_version; }  // "20.10.24+dfsg1"

private:
  std::filesystem::path m_socket;
  std::string m_api_version;
  std::string m_engine_version;
};

// "1.41" <-> comparable numbers: -1, 0, 1 as a < b, a == b, a > b. Non-numbers compare as 0.0.
int compare_api_versions(const std::string& a, const std::string& b);
// The version to speak with an engine that offers `engine_api`: min(engine_api, newest known); empty when the
// engine's is older than 1.41.
std::string negotiate_api_version(const std::string& engine_api);

}  // namespace harness::driver::docker
