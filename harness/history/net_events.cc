#include "harness/history/net_events.h"

namespace harness::history {

void record_connection_event(History& history, const net::ConnectionEvent& event) {
  nlohmann::json data{{"client", event.client}, {"connection", event.connection}};
  if (event.kind == net::ConnectionEvent::Kind::k_connect) {
    history.record(EventType::k_net_connect, event.proxy, std::move(data));
    return;
  }
  data["closed_by"] = event.closed_by;
  data["how"] = event.how;
  data["bytes_upstream"] = event.bytes_upstream;
  data["bytes_downstream"] = event.bytes_downstream;
  history.record(EventType::k_net_close, event.proxy, std::move(data));
}

std::function<void(const net::ConnectionEvent&)> connection_recorder(History& history) {
  return [&history](const net::ConnectionEvent& event) { record_connection_event(history, event); };
}

}  // namespace harness::history
