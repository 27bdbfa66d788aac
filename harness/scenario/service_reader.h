#pragma once
// Reads `services:` (a map of service name to settings) into Service structs, infers kinds from image names,
// and resolves the references between services (a worker's broker and backend).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/scenario/service_kind.h"
#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

// Every service with a valid name, in file order, including those with other errors (reported), so that
// references to them from steps and checks do not cascade into more errors.
// The kinds come from `kinds` (the registered ones unless a test brings its own).
std::vector<Service> read_services(YamlReader& reader, const MapEntry& entry,
                                   const ServiceKindRegistry& kinds = service_kinds());

// A service's `environment:` (a map of variables or a list of KEY=VALUE strings), reporting a bad name, a duplicate
// or a value that is not a string; also a rollout step's `env:`.
std::optional<std::map<std::string, std::string>> read_environment(YamlReader& reader, const MapEntry& entry);

// The kind an image name implies: each kind's ImageHints are matched against the last path component with tag
// and digest stripped. A prefix claim ("rabbitmq", "redis", "postgres", "celery") beats a substring claim
// ("worker": team/billing-worker is a celery-worker); an image that two kinds claim equally, or that a kind's
// `never` excludes (celery-beat is no worker), implies none, and the service needs `kind:`.
std::optional<ServiceKind> infer_kind(std::string_view image, const ServiceKindRegistry& kinds = service_kinds());

// Whether the service has a health check that runs (not absent, not `disable: true` / ["NONE"]). A healthcheck
// that failed to read counts as one (read_services keeps a stand-in): its errors are reported already, and
// "has no healthcheck" on top of them would only mislead.
bool has_healthcheck(const Service& service);

// Whether an orchestrator has anything to do for the service: a restart policy, restart_on_unhealthy or `deploy:`
// (under --driver swarm exactly such a service is a Swarm service, and only it can be rolled out).
bool is_orchestrated(const Service& service);

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

}  // namespace harness::scenario
