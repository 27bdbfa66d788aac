#include "harness/driver/client_routing.h"

#include <cctype>
#include <cstdint>

#include "harness/scenario/network.h"

namespace harness::driver {

namespace {

// `value` with every "127.0.0.1:FROM" turned to "127.0.0.1:TO" (URLs of the loopback services).
std::string with_port(std::string value, const std::string& from, const std::string& to) {
  const std::string old_address = "127.0.0.1:" + from;
  const std::string new_address = "127.0.0.1:" + to;
  for (auto pos = value.find(old_address); pos != std::string::npos; pos = value.find(old_address, pos)) {
    // Not a longer port that starts with the same digits (":5672" in ":56720").
    const auto end = pos + old_address.size();
    if (end < value.size() && std::isdigit(static_cast<unsigned char>(value[end]))) {
      pos = end;
      continue;
    }
    value.replace(pos, old_address.size(), new_address);
    pos += new_address.size();
  }
  return value;
}

}  // namespace

ClientRouting::ClientRouting(net::Network& network, std::set<std::string> proxied_services)
    : m_network(network), m_services(std::move(proxied_services)) {}

util::Expected<PlaceholderTable> ClientRouting::client_table(const PlaceholderTable& data_table,
                                                             const std::string& client) {
  auto known = m_overrides.find(client);
  if (known == m_overrides.end()) {
    PlaceholderTable overrides;
    for (const auto& service : m_services) {
      auto port = data_table.find(service + ".port");
      if (port == data_table.end()) return util::Status::invalid("service '" + service + "' has no port to proxy");
      auto proxy = m_network.add_proxy(
          {.name = service, .client = client, .upstream_port = static_cast<std::uint16_t>(std::stoi(port->second))});
      if (!proxy) return proxy.error();
      const std::string proxied = std::to_string(proxy->port);
      overrides[service + ".port"] = proxied;
      for (const char* key : {".url", ".backend_url"})
        if (auto it = data_table.find(service + key); it != data_table.end())
          overrides[service + key] = with_port(it->second, port->second, proxied);
    }
    known = m_overrides.emplace(client, std::move(overrides)).first;
  }
  PlaceholderTable table = data_table;
  for (const auto& [key, value] : known->second) table[key] = value;
  return table;
}

util::Expected<std::optional<std::uint16_t>> ClientRouting::peer_port(const std::string& service,
                                                                      std::uint16_t master_port) {
  if (!m_services.contains(service)) return std::optional<std::uint16_t>{};
  if (auto known = m_peer_ports.find(service); known != m_peer_ports.end()) return std::optional{known->second};
  auto proxy = m_network.add_proxy({.name = service, .client = service + std::string(scenario::k_peers_suffix), .upstream_port = master_port});
  if (!proxy) return proxy.error();
  m_peer_ports[service] = proxy->port;
  return std::optional{proxy->port};
}

}  // namespace harness::driver
