#include "harness/scenario/service_kind.h"

#include <algorithm>

namespace harness::scenario {

// clang-format off
const std::vector<std::string_view> k_common_service_keys{
    "image", "kind", "role", "healthcheck", "restart", "restart_on_unhealthy", "backoff", "backoff_scale",
    "deploy", "network"};
// clang-format on

ServiceKindRegistry& service_kinds() {
  static ServiceKindRegistry registry;
  return registry;
}

const ServiceKindInfo* find_service_kind(ServiceKind id, const ServiceKindRegistry& kinds) {
  for (const auto& kind : kinds.all())
    if (kind.id == id) return &kind;
  return nullptr;
}

std::vector<std::string_view> kinds_with_key(std::string_view key, const ServiceKindRegistry& kinds) {
  std::vector<std::string_view> names;
  for (const auto& kind : kinds.all())
    if (std::find(kind.keys.begin(), kind.keys.end(), key) != kind.keys.end()) names.push_back(kind.name);
  return names;
}

std::vector<InstanceKeys> single_instance(const Service& service, std::vector<std::string> keys) {
  return {InstanceKeys{service.name, std::move(keys)}};
}

std::string own_image(const Service& service, const ServiceKindRegistry& kinds) {
  const std::string& image = service.image;
  if (image.empty()) return {};
  if (image.find_first_of("/:@") != std::string::npos) return image;
  for (const auto& kind : kinds.all()) {
    if (image == kind.name) return {};
    for (const auto prefix : kind.image.prefixes)
      if (image == prefix) return {};
  }
  return image;
}

std::vector<ServiceKindListing> list_service_kinds(const ServiceKindRegistry& kinds) {
  std::vector<ServiceKindListing> listings;
  for (const auto& kind : kinds.all()) {
    ServiceKindListing& listing = listings.emplace_back();
    listing.name = kind.name;
    listing.summary = kind.summary;
    listing.keys.assign(kind.keys.begin(), kind.keys.end());
    Service service;
    service.name = std::string(kind.name);
    service.kind = kind.id;
    if (kind.instances) {
      const auto instances = kind.instances(service);
      if (!instances.empty()) listing.placeholders = instances.front().keys;
    }
  }
  return listings;
}

}  // namespace harness::scenario
