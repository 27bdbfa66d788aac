#pragma once
// What the network fault kinds share (latency.cc, blackhole.cc, ...: one file each): each is one toxic of the
// run's fault proxy (net/, README "The fault proxy") on the proxies between the scenario's clients and a service,
//
//   fault: {KIND: {service: broker, direction: both, from: worker.1, <the kind's attributes>}}, for: 30s
//
// `direction`: upstream (client to service), downstream or both (the default); `from`: one client instance (a
// worker's, "worker.1"), default every client. Applying adds the toxic (fault.start {kind, toxic, direction, from,
// attributes, proxies, connections: the proxies' open connections then}); the inverse removes it (fault.end
// {kind, the toxic's report: connections affected, bytes held, ...}). A kind registered here marks its target
// proxied (scenario/network.h), so the run routes that service's clients through the proxy.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "harness/fault/fault_kind.h"
#include "harness/net/toxic.h"
#include "harness/scenario/kind_params.h"

namespace harness::fault {

// One attribute of a kind (`latency: 500ms`), as the toxic takes it.
struct NetworkAttribute {
  enum class Type { k_milliseconds, k_microseconds, k_integer, k_bool };
  std::string_view key;
  Type type;
  bool required = false;
};

struct NetworkFaultParams : scenario::KindParams {
  net::Direction direction = net::Direction::k_both;
  std::string from;  // a client instance; empty: every client
  nlohmann::json attributes = nlohmann::json::object();
};

struct NetworkFaultKind {
  std::string_view name;     // the fault's name ("latency")
  std::string_view toxic;    // the toxic it adds (net/<toxic>_toxic.cc)
  std::string_view summary;  // for the catalogue and `celery-chaos kinds`
  std::vector<NetworkAttribute> attributes;
};

// Registers a network fault kind (its reader, apply and inverse); true, for the registrar's initialiser.
bool register_network_fault(const NetworkFaultKind& kind);

}  // namespace harness::fault
