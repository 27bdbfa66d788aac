#pragma once
// Routing the scenario's clients through the fault proxy (net/network.h). For each proxied service
// (scenario/network.h) every client instance ("worker.1", "worker.2") gets a proxy of its own in the run's Network
// ({name: the service, client: the instance}), so a fault `from: worker.1` reaches that client and no other. The
// client's placeholder table is the data services' one with the proxied services' `port`, `url` and `backend_url`
// pointing to its proxy; `direct_port`/`direct_url` keep the service's own address. The harness's own clients
// (readiness, management API, ledger, samplers, faults) read the Stack's table, which is direct.
//
// Driver-neutral: the driver asks for a client's table while creating its instances (RunPaths::routing), and every
// driver on host networking reaches 127.0.0.1 the same way.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "harness/driver/placeholders.h"
#include "harness/net/network.h"
#include "harness/util/status.h"

namespace harness::driver {

class ClientRouting {
public:
  // REQUIRES: `network` outlives this and every client it routed.
  ClientRouting(net::Network& network, std::set<std::string> proxied_services);

  const std::set<std::string>& proxied_services() const { return m_services; }

  // The table client `client` takes its addresses from: `data_table` with each proxied service's addresses on
  // the client's own proxy, created on the first call for that client. A proxied service without a `port` in
  // the table (not created yet) is k_invalid_input "service 'broker' has no port to proxy"; the Network's
  // error when a proxy cannot listen.
  util::Expected<PlaceholderTable> client_table(const PlaceholderTable& data_table, const std::string& client);

  // The address the group of redis service `service` (its replicas and sentinels) reaches its master through when
  // the service is proxied: one proxy {name: service, client: "SERVICE.peers"} to `master_port`, shared by the
  // group, created on the first call. One address, because a sentinel re-points (+fix-slave-config) a replica
  // whose master address differs from its own; and the sentinels hand it to their clients as the master's, so a
  // sentinel-aware client reaches the master through it too. nullopt when `service` is not proxied.
  util::Expected<std::optional<std::uint16_t>> peer_port(const std::string& service, std::uint16_t master_port);

  // What client_table() changed, by client: steps run in a client's environment expand with these over the
  // Stack's table.
  const std::map<std::string, PlaceholderTable>& overrides() const { return m_overrides; }

private:
  net::Network& m_network;
  std::set<std::string> m_services;
  std::map<std::string, PlaceholderTable> m_overrides;
  std::map<std::string, std::uint16_t> m_peer_ports;
};

}  // namespace harness::driver
