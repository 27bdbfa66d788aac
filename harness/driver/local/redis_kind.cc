// The local driver's redis kind: the master, then its replicas and sentinels (NAME.replica-K, NAME.sentinel-K);
// NAME comes first, so {{NAME.port}} and {{NAME.url}} are the initial master's (sentinel_service.h).
#include "harness/driver/local/local_kinds.h"
#include "harness/driver/local/sentinel_service.h"

namespace harness::driver::local {
namespace {

const bool k_registered = local_service_kinds().add({
    .name = "redis",
    .create = [](const scenario::Service& spec, const LocalCreation& context) {
      return create_redis_instances(spec, context.paths);
    },
});

}  // namespace
}  // namespace harness::driver::local
