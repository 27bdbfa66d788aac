// The local driver's postgres kind: one PostgreSQL server (postgres_service.h).
#include "harness/driver/local/local_kinds.h"
#include "harness/driver/local/postgres_service.h"

namespace harness::driver::local {
namespace {

const bool k_registered = local_service_kinds().add({
    .name = "postgres",
    .create = [](const scenario::Service& spec, const LocalCreation& context) {
      return one_instance(PostgresService::create(spec, context.paths));
    },
});

}  // namespace
}  // namespace harness::driver::local
