#pragma once
// Reading rabbitmqctl's answers for the close-connections fault (close_connections.cc).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace harness::fault {

struct ConnectionState {
  std::string name;   // "127.0.0.1:50882 -> 127.0.0.1:60827"
  std::string state;  // running, blocking, blocked, flow, closed (sent connection.close, no close-ok yet), ...
};
// The connections of `rabbitmqctl list_connections name state --formatter json` (the management API's
// GET /api/connections has the same shape); entries without a name are skipped, anything else gives none.
std::vector<ConnectionState> connections_in(const nlohmann::json& list);
// N from close_all_connections' "Closed N connections"; nullopt when the output does not say.
std::optional<int> closed_count(const std::string& output);

}  // namespace harness::fault
