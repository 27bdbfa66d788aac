#pragma once
// The fault proxy's connection reports (net/connection_event.h) as History events, so checks can judge the
// network from the History ("worker.1 reconnected to the broker within 30 s"):
//   net.connect  service = the proxied service; data {client, connection}
//   net.close    service = the proxied service; data {client, connection, closed_by, how, bytes_upstream,
//                bytes_downstream}
// closed_by is "client", "service" or "proxy"; how is "fin", "reset", "refused", "error: ...", or the toxic or
// reason the proxy closed for ("reset toxic", "limit-data toxic", "shutdown").
#include <functional>

#include "harness/history/history.h"
#include "harness/net/connection_event.h"

namespace harness::history {

void record_connection_event(History& history, const net::ConnectionEvent& event);

// A sink for net::Network that records into `history`. REQUIRES: `history` outlives the Network.
std::function<void(const net::ConnectionEvent&)> connection_recorder(History& history);

}  // namespace harness::history
