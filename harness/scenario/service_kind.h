#pragma once
// A kind of service (rabbitmq, redis, postgres, celery-worker) as a scenario file sees it: its name, the images that
// imply it, the keys that apply only to it, what a worker may use it as, and the instances and placeholder keys it
// offers. Each kind registers itself from its own file (scenario/<kind>_kind.cc); the service reader, the
// placeholder check and `celery-chaos kinds` take the kinds from this table. A driver creates a kind's instances from
// a table of its own keyed by the same name (the local driver's: driver/local/local_kinds.h).
//
// A new kind: a ServiceKind value (model.h), its file here, its factory in each driver, its README line.
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/util/registry.h"

namespace harness::scenario {

struct ServerConfigRules;  // server_config.h

// How a kind claims an image name (its last path component, tag and digest stripped; see infer_kind).
struct ImageHints {
  std::vector<std::string_view> prefixes{};  // the name starts with one: a strong claim
  std::vector<std::string_view> contains{};  // the name contains one: a weak claim
  std::vector<std::string_view> never{};     // the name contains one: no claim (another kind's image)
};

// One instance of a service as the driver creates it: its name (the service's for the first) and its keys.
struct InstanceKeys {
  std::string name;
  std::vector<std::string> keys;
};

struct ServiceKindInfo {
  std::string_view name;  // as written in `kind:` and in messages
  ServiceKind id;
  std::string_view summary{};  // one line for `celery-chaos kinds`
  ImageHints image{};
  // The service keys that apply only to the kinds listing them (the others, k_common_service_keys, apply to all).
  std::vector<std::string_view> keys{};
  // Its `replicas:` counts identical instances (NAME.1..N), as Compose's `deploy.replicas` does, which then sets it
  // too. A redis's `replicas:` are read replicas of its master: not so.
  bool replicated = false;
  // What a celery-worker's `broker:` and `backend:` may name: "broker", "backend".
  std::vector<std::string_view> serves{};
  // How `config:` is read as the server's own settings (Service::server_config); nullptr: not so (a worker's
  // `config:` is Celery settings).
  const ServerConfigRules* server_config = nullptr;
  // Created before the Celery processes: its placeholders can be used in a worker's command, URLs and environment.
  bool data = true;
  // The instances of `service`, first one first (its keys are SERVICE.KEY's).
  std::vector<InstanceKeys> (*instances)(const Service& service) = nullptr;
};

using ServiceKindRegistry = util::Registry<ServiceKindInfo>;

// The kinds the harness knows, filled by the kinds' own files.
ServiceKindRegistry& service_kinds();

// The kind with that id in `kinds`; nullptr when none is registered (a programming error in the callers).
const ServiceKindInfo* find_service_kind(ServiceKind id, const ServiceKindRegistry& kinds = service_kinds());

// Keys every service may have, whatever its kind, in the order `unknown key` messages list them.
extern const std::vector<std::string_view> k_common_service_keys;

// The kinds `key` applies to, by name; empty for a common key.
std::vector<std::string_view> kinds_with_key(std::string_view key, const ServiceKindRegistry& kinds = service_kinds());

// One instance named after the service, with `keys`: the instances of most kinds.
std::vector<InstanceKeys> single_instance(const Service& service, std::vector<std::string> keys);

// The image a service names as its own, for a driver that runs images (a team's worker image, `myorg/app:1.4`):
// its `image:`, unless that is only a kind's word: a kind's name or an image prefix a kind claims (`celery-worker`,
// `celery`, `rabbitmq`, `redis`, `postgres`), with no registry path, tag or digest. Such a word names the kind, which
// runs in the driver's own image (its stack); empty then, and when there is no `image:`.
std::string own_image(const Service& service, const ServiceKindRegistry& kinds = service_kinds());

// A kind as `celery-chaos kinds` lists it.
struct ServiceKindListing {
  std::string name;
  std::string summary;
  std::vector<std::string> keys;          // its own keys (k_common_service_keys apply too)
  std::vector<std::string> placeholders;  // the keys of its first instance, in its default settings
};
std::vector<ServiceKindListing> list_service_kinds(const ServiceKindRegistry& kinds = service_kinds());

}  // namespace harness::scenario
