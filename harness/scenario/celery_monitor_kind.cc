// The celery-monitor service kind: what Flower is to a deployment. One process of the harness's own
// (fixtures/celery/monitor.py) that receives the Celery events of the workers it watches (`watch:`, default every
// celery-worker on its `broker:`), keeps Celery's own State of them (a worker is offline once its heartbeats
// are stale, as Flower shows it) and writes what it sees as JSON lines the runner records in the History
// (monitor.worker, monitor.status, monitor.task). The workers it watches send task events.
#include "harness/scenario/service_kind.h"

namespace harness::scenario {
namespace {

std::vector<InstanceKeys> instances(const Service& service) {
  return single_instance(service, {"events", "broker_url", "python"});
}

const bool k_registered = service_kinds().add({
    .name = "celery-monitor",
    .id = ServiceKind::k_celery_monitor,
    .summary = "a Celery events monitor (what Flower shows): worker heartbeats and task states, into the History",
    // `flower` (mher/flower) is what teams run; `celery-monitor` names this kind. The celery-worker kind claims
    // neither (its `never:`).
    .image = {.prefixes = {"celery-monitor", "flower"}},
    .keys = {"broker", "broker_url", "python", "config", "watch"},
    .data = false,
    .instances = instances,
});

}  // namespace
}  // namespace harness::scenario
