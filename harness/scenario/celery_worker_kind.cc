// The celery-worker service kind: `replicas:` Celery worker processes (NAME.1..N), the fixture app by default.
#include "harness/scenario/service_kind.h"

namespace harness::scenario {
namespace {

std::vector<InstanceKeys> instances(const Service& service) {
  std::vector<InstanceKeys> out;
  for (int i = 1; i <= service.replicas; ++i)
    out.push_back({service.name + "." + std::to_string(i), {"node", "python", "broker_url", "backend_url", "fixtures",
                                                            "app"}});
  return out;
}

const bool k_registered = service_kinds().add({
    .name = "celery-worker",
    .id = ServiceKind::k_celery_worker,
    .summary = "Celery worker processes, one per replica (the fixture app unless `command:`)",
    // Not an image with "beat" in its name: a beat scheduler is no worker, and a worker started in its place
    // would consume the tasks the scenario means to watch. Nor a monitor's (celery-monitor, flower).
    .image = {.prefixes = {"celery"}, .contains = {"worker"}, .never = {"beat", "monitor", "flower"}},
    // Keys that configure a Celery worker; an error on other kinds rather than silently ignored (the local driver
    // starts RabbitMQ, Redis and PostgreSQL with its own command line and environment: `command:` and
    // `environment:` would do nothing there).
    .keys = {"replicas", "broker", "backend", "broker_url", "backend_url", "command", "app", "python", "concurrency",
             "pool", "queues", "config", "environment"},
    .replicated = true,
    .data = false,
    .instances = instances,
});

}  // namespace
}  // namespace harness::scenario
