// The postgres service kind: one PostgreSQL server holding the scenario's database, a result backend.
#include "harness/scenario/service_kind.h"

namespace harness::scenario {
namespace {

std::vector<InstanceKeys> instances(const Service& service) {
  return single_instance(service,
                         {"host", "port", "user", "password", "database", "url", "backend_url", "socket_dir", "dir",
                          "direct_port", "direct_url"});
}

const bool k_registered = service_kinds().add({
    .name = "postgres",
    .id = ServiceKind::k_postgres,
    .summary = "a PostgreSQL server; `database:` is created at start (a result backend)",
    .image = {.prefixes = {"postgres"}},
    .keys = {"database"},
    .serves = {"backend", "scheduler"},  // scheduler: a celery-beat's DatabaseScheduler
    .instances = instances,
});

}  // namespace
}  // namespace harness::scenario
