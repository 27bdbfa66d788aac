#pragma once
// What a Proxy reports about its connections, so the History can record net.connect and net.close per client.
#include <cstdint>
#include <string>

namespace harness::net {

struct ConnectionEvent {
  enum class Kind { k_connect, k_close };
  Kind kind = Kind::k_connect;
  std::string proxy;             // the proxy's name, e.g. "broker"
  std::string client;            // the client label of the proxy, e.g. "worker.1"; empty when shared
  std::uint64_t connection = 0;  // numbered from 1 per Network
  // k_close only: who ended the connection: "client", "service" or "proxy" (a toxic, or the Network shutting
  // down), and how: "fin" (a normal close), "reset" (an RST from that side), "refused" (the service refused the
  // proxy's connection), "error: <message>", or for the proxy the toxic or reason ("reset toxic", "shutdown").
  std::string closed_by;
  std::string how;
  std::uint64_t bytes_upstream = 0;    // client -> service, written to the service
  std::uint64_t bytes_downstream = 0;  // service -> client, written to the client
};

}  // namespace harness::net
