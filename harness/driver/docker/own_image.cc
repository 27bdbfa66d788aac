#include "harness/driver/docker/own_image.h"

#include "harness/scenario/service_kind.h"

namespace harness::driver::docker {

util::Expected<std::optional<nlohmann::json>> inspect_image(const Engine& engine, const std::string& image) {
  auto reply = engine.call("GET", "/images/" + image + "/json");
  if (!reply) return reply.error();
  if (reply->status == 404) return std::optional<nlohmann::json>{};
  if (reply->status / 100 != 2) {
    return util::Status::infrastructure("docker: GET /images/" + image + "/json: " + std::to_string(reply->status) +
                                        " " + reply->text);
  }
  return std::optional<nlohmann::json>{std::move(reply->body)};
}

util::Expected<std::map<std::string, std::string>> own_image_environment(const Engine& engine,
                                                                         const std::string& image,
                                                                         const std::string& service,
                                                                         PullPolicy policy, std::ostream& progress) {
  auto inspected = present_or_pulled(engine, image, policy, progress,
                                     "image " + image + " of service '" + service + "'",
                                     "build it (docker build -t " + image + " DIR) or pull it (docker pull " + image +
                                         ") first");
  if (!inspected) return inspected.error();
  std::map<std::string, std::string> environment;
  const nlohmann::json& body = *inspected;
  const bool has_env = body.is_object() && body.contains("Config") && body["Config"].is_object() &&
                       body["Config"].contains("Env") && body["Config"]["Env"].is_array();
  if (has_env) {
    for (const auto& entry : body["Config"]["Env"]) {
      if (!entry.is_string()) continue;
      const std::string text = entry.get<std::string>();
      const auto eq = text.find('=');
      if (eq != std::string::npos) environment[text.substr(0, eq)] = text.substr(eq + 1);
    }
  }
  return environment;
}

util::Expected<OwnImageEnvironments> read_own_images(const Engine& engine, const scenario::Scenario& scenario,
                                                     PullPolicy policy, std::ostream& progress) {
  OwnImageEnvironments images;
  for (const auto& service : scenario.services) {
    if (service.kind != scenario::ServiceKind::k_celery_worker) continue;
    const std::string image = scenario::own_image(service);
    if (image.empty() || images.contains(image)) continue;
    auto environment = own_image_environment(engine, image, service.name, policy, progress);
    if (!environment) return environment.error();
    images.emplace(image, std::move(*environment));
  }
  return images;
}

}  // namespace harness::driver::docker
