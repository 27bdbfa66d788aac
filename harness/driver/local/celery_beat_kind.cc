// The local driver's celery-beat kind: one celery beat process per replica (celery_beat_service.h), set up as a
// worker is (celery_instances.h).
#include "harness/driver/local/celery_beat_service.h"
#include "harness/driver/local/celery_instances.h"

namespace harness::driver::local {
namespace {

// A DatabaseScheduler's database: the postgres service's URL (its own address: the schedule's store is not a client
// path the network faults cut) and its port, which the fixture app awaits before connecting.
BeatDatabase beat_database(const scenario::Service& spec, const LocalCreation& context) {
  if (spec.scheduler_database.empty()) return {};
  const auto& table = context.data_table;
  const auto url = table.find(spec.scheduler_database + ".url");
  const auto port = table.find(spec.scheduler_database + ".port");
  return {url == table.end() ? std::string{} : url->second,
          port == table.end() ? std::string{} : "127.0.0.1:" + port->second};
}

util::Expected<Instances> create_beats(const scenario::Service& spec, const LocalCreation& context) {
  const BeatDatabase database = beat_database(spec, context);
  return create_celery_instances(spec, context,
                                 [&database](const scenario::Service& expanded, int replica,
                                             const WorkerSettings& settings,
                                             const RunPaths& paths) -> util::Expected<std::unique_ptr<Service>> {
                                   auto beat = CeleryBeatService::create(expanded, replica, settings, database, paths);
                                   if (!beat) return beat.error();
                                   return std::unique_ptr<Service>(std::move(beat.value()));
                                 });
}

const bool k_registered = local_service_kinds().add({.name = "celery-beat", .create = create_beats});

}  // namespace
}  // namespace harness::driver::local
