// The local driver's celery-beat kind: one celery beat process per replica (celery_beat_service.h), set up as a
// worker is (celery_instances.h).
#include "harness/driver/local/celery_beat_service.h"
#include "harness/driver/local/celery_instances.h"

namespace harness::driver::local {
namespace {

util::Expected<Instances> create_beats(const scenario::Service& spec, const LocalCreation& context) {
  return create_celery_instances(spec, context,
                                 [](const scenario::Service& expanded, int replica, const WorkerSettings& settings,
                                    const RunPaths& paths) -> util::Expected<std::unique_ptr<Service>> {
                                   auto beat = CeleryBeatService::create(expanded, replica, settings, paths);
                                   if (!beat) return beat.error();
                                   return std::unique_ptr<Service>(std::move(beat.value()));
                                 });
}

const bool k_registered = local_service_kinds().add({.name = "celery-beat", .create = create_beats});

}  // namespace
}  // namespace harness::driver::local
