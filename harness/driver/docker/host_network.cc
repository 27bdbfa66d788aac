#include "harness/driver/docker/host_network.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "harness/driver/docker/image_command.h"

namespace harness::driver::docker {

bool engine_in_a_vm(const nlohmann::json& info) {
  return info.is_object() && info.value("OperatingSystem", "").find("Docker Desktop") != std::string::npos;
}

util::Expected<process::CommandResult> connect_from_container(const Engine& engine, const std::string& image,
                                                              std::uint16_t port) {
  return run_in_image(engine, image,
                      {"python3", "-c",
                       "import socket; socket.create_connection(('127.0.0.1', " + std::to_string(port) + "), 5)"},
                      std::chrono::seconds{30});
}

util::Status check_host_network(const Engine& engine, const std::string& image, const std::string& engine_name) {
  namespace ip = boost::asio::ip;
  boost::asio::io_context io;
  // Listening is enough: the kernel completes the container's connection in the backlog, no accept needed.
  ip::tcp::acceptor acceptor(io, ip::tcp::endpoint(ip::address_v4::loopback(), 0));
  const auto port = std::to_string(acceptor.local_endpoint().port());
  auto result = connect_from_container(engine, image, acceptor.local_endpoint().port());
  if (!result) return result.error();
  if (result->succeeded()) return {};
  return util::Status::infrastructure(
      "the Docker engine at unix://" + engine.socket().string() + " (" + engine_name +
      ") does not share this machine's loopback: a container on its host network could not reach 127.0.0.1:" + port +
      ", where the harness listens (" + result->output.substr(0, 300) +
      "). The docker driver runs every service on the host network on 127.0.0.1: enable host networking (Docker "
      "Desktop 4.34+: Settings > Resources > Network > Enable host networking) or use a Linux engine (Debian's "
      "docker.io; scripts/dockerd start)");
}

util::Status require_host_network(const Engine& engine, const std::string& image) {
  auto info = engine.expect_ok("GET", "/info");
  if (!info) return info.error();
  if (!engine_in_a_vm(info->body)) return {};
  return check_host_network(engine, image, info->body.value("OperatingSystem", "Docker Desktop"));
}

}  // namespace harness::driver::docker
