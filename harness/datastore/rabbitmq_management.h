#pragma once
// The RabbitMQ management HTTP API of one broker of the run (its port and credentials from the placeholders),
// and what the faults read from its replies. One call ~65 ms against ~650 ms for a rabbitmqctl call
// (measured on Debian 12), so the faults use it wherever it does the job.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/datastore/http_client.h"
#include <map>
#include "harness/util/status.h"

namespace harness::datastore {

class ManagementApi {
public:
  // k_invalid_input when `broker` is not a rabbitmq service of the table.
  // `placeholders`: the run's {{SERVICE.KEY}} table (driver::PlaceholderTable), where the broker's host, management
  // port, user and password are.
  static util::Expected<ManagementApi> of(const std::map<std::string, std::string>& placeholders,
                                         const std::string& broker);

  // METHOD TARGET with a JSON body when non-empty; a transport failure is a Status, any HTTP status a response.
  util::Expected<HttpResponse> call(const std::string& method, const std::string& target,
                                               const std::string& body = {}) const;
  // GET TARGET as JSON: k_infrastructure on a transport failure, an HTTP status other than 2xx (the body
  // quoted), or a body that is not JSON. `also_ok` accepts one more status (the alarms check answers 503).
  util::Expected<nlohmann::json> get_json(const std::string& target, int also_ok = 0) const;

private:
  ManagementApi(std::uint16_t port, std::string user, std::string password)
      : m_port(port), m_user(std::move(user)), m_password(std::move(password)) {}
  std::uint16_t m_port;
  std::string m_user;
  std::string m_password;
};

// GET /api/health/checks/alarms answers at once from the node's alarm server: 200 {"status":"ok"} or
// 503 {"status":"failed","alarms":[{"node":...,"resource":"disk space"}]}. (GET /api/nodes shows the same alarms
// only ~6-9 s later, at its next statistics sample, so the faults observe through this one.)
inline constexpr const char* k_alarms_check = "/api/health/checks/alarms";
// The resources in alarm in such a body ("disk space", "memory"), in its order; empty when there is none.
std::vector<std::string> alarm_resources(const nlohmann::json& body);

}  // namespace harness::datastore
