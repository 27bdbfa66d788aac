#include "harness/datastore/rabbitmq_management.h"

#include "harness/util/port.h"

namespace harness::datastore {

util::Expected<ManagementApi> ManagementApi::of(const std::map<std::string, std::string>& placeholders,
                                                const std::string& broker) {
  if (!placeholders.contains(broker + ".management_port"))
    return util::Status::invalid("'" + broker + "' is not a rabbitmq service of this run");
  auto port = util::port_placeholder(placeholders, broker + ".management_port");
  if (!port) return port.error();
  return ManagementApi(*port, placeholders.at(broker + ".user"), placeholders.at(broker + ".password"));
}

util::Expected<HttpResponse> ManagementApi::call(const std::string& method, const std::string& target,
                                                            const std::string& body) const {
  datastore::HttpRequest request;
  request.method = method;
  request.port = m_port;
  request.target = target;
  request.body = body;
  request.user = m_user;
  request.password = m_password;
  return datastore::http_request(request);
}

util::Expected<nlohmann::json> ManagementApi::get_json(const std::string& target, int also_ok) const {
  auto response = call("GET", target);
  if (!response) return response.error();
  if (response->status / 100 != 2 && response->status != also_ok) {
    return util::Status::infrastructure("GET " + target + ": HTTP " + std::to_string(response->status) + " " +
                                        response->body.substr(0, 200));
  }
  auto json = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return util::Status::infrastructure("GET " + target + ": the reply is not JSON");
  return json;
}

std::vector<std::string> alarm_resources(const nlohmann::json& body) {
  std::vector<std::string> resources;
  if (!body.is_object() || !body.contains("alarms") || !body["alarms"].is_array()) return resources;
  for (const auto& alarm : body["alarms"]) {
    if (alarm.is_object() && alarm.contains("resource") && alarm["resource"].is_string())
      resources.push_back(alarm["resource"].get<std::string>());
  }
  return resources;
}

}  // namespace harness::datastore
