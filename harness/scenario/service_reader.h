#pragma once
// Reads `services:` (a map of service name to settings) into Service structs, infers kinds from image names,
// and resolves the references between services (a worker's broker and backend).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

// Every service with a valid name, in file order, including those with other errors (reported), so that
// references to them from steps and checks do not cascade into more errors.
std::vector<Service> read_services(YamlReader& reader, const MapEntry& entry);

// The kind an image name implies: the last path component with tag and digest stripped, starting with
// "rabbitmq", "redis" or "postgres"; or starting with "celery" or containing "worker" -> celery-worker.
std::optional<ServiceKind> infer_kind(std::string_view image);

// Whether the service has a health check that runs (not absent, not `disable: true` / ["NONE"]). A healthcheck
// that failed to read counts as one (read_services keeps a stand-in): its errors are reported already, and
// "has no healthcheck" on top of them would only mislead.
bool has_healthcheck(const Service& service);

// The service called `name`, or nullptr after reporting
// "REFERRER refers to undefined NOUN 'x' (did you mean 'y'?)", or "... (defined services: a, b)" when no name
// is close. NOUN is what the reference is for: "service", "broker", "backend".
const Service* resolve_service(YamlReader& reader, const std::vector<Service>& services, const std::string& name,
                               const SourceLocation& at, std::string_view referrer, std::string_view noun = "service");

// The required `key:` of `map` naming a service, of `kind` when given (a fault's `broker:`, a check's `broker:` or
// `service:`, a Redis fault's `service:`): sets `field`, returns the service. Reports a missing or empty key, an
// undefined service ("CONTEXT refers to undefined KEY 'x'") and another kind ("KEY 'x' of CONTEXT is a redis
// service (expected rabbitmq)"), each with ok = false and nullptr. nullptr with ok untouched when `services` is
// unknown.
const Service* read_service_of_kind(YamlReader& reader, const MapView& map, std::string_view key,
                                    const std::vector<Service>* services, std::optional<ServiceKind> kind,
                                    const std::string& context, std::string& field, bool& ok);

// The service kinds this reader knows, each with the keys a service of that kind accepts (for `celery-chaos kinds`).
struct ServiceKindKeys {
  std::string_view name;
  std::vector<std::string_view> keys;
};
std::vector<ServiceKindKeys> service_kind_keys();

}  // namespace harness::scenario
