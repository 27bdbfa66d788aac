// The celery-beat service kind: `replicas:` celery beat processes (NAME.1..N) of the fixture app, sending the
// entries of its `schedule:` (scenario/beat_schedule.h) through its `broker:`. Beat must be a singleton: two
// replicas (or a rollout's overlap) send every entry twice, which is what scenarios with several show.
#include "harness/scenario/service_kind.h"

namespace harness::scenario {
namespace {

std::vector<InstanceKeys> instances(const Service& service) {
  std::vector<InstanceKeys> out;
  for (int i = 1; i <= service.replicas; ++i)
    out.push_back({service.name + "." + std::to_string(i), {"python", "broker_url", "fixtures", "schedule_file"}});
  return out;
}

const bool k_registered = service_kinds().add({
    .name = "celery-beat",
    .id = ServiceKind::k_celery_beat,
    .summary = "celery beat schedulers, one per replica, sending the entries of `schedule:` (the fixture app)",
    // "team/beat-worker" is claimed by neither kind: the scenario says which it is.
    .image = {.prefixes = {"celery-beat"}, .contains = {"beat"}, .never = {"worker"}},
    .keys = {"replicas", "broker", "broker_url", "python", "config", "environment", "schedule", "scheduler"},
    .replicated = true,
    .data = false,
    .instances = instances,
});

}  // namespace
}  // namespace harness::scenario
