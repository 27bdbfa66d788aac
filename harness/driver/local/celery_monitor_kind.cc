// The local driver's celery-monitor kind: one monitor process (celery_monitor_service.h), set up from the data
// services' placeholders (created first), a client of its broker as the workers are (routed through the fault
// proxy when the broker is proxied).
#include "harness/driver/local/celery_instances.h"
#include "harness/driver/local/celery_monitor_service.h"

namespace harness::driver::local {
namespace {

// The node names of every instance of the workers `spec` watches.
std::vector<std::string> watched_nodes(const scenario::Service& spec, const LocalCreation& context) {
  std::vector<std::string> nodes;
  for (const auto& name : spec.watch)
    if (const auto* worker = context.scenario.find_service(name))
      for (int replica = 1; replica <= worker->replicas; ++replica)
        nodes.push_back(worker_node(worker->name, replica, context.paths.run_id));
  return nodes;
}

util::Expected<Instances> create_monitor(const scenario::Service& spec, const LocalCreation& context) {
  MonitorSettings settings;
  auto python = celery_python(spec, context);
  if (!python) return python.error();
  settings.python = *python;
  PlaceholderTable routed;
  auto table = client_table(context, spec.name, routed);
  if (!table) return table.error();
  auto broker = expand_placeholders(spec.broker_url.value_or("{{" + spec.broker + ".url}}"), **table);
  if (!broker) return broker.error();
  settings.broker_url = *broker;
  settings.fixtures_dir = fixtures_dir();
  settings.nodes = watched_nodes(spec, context);
  Instances instances;
  instances.push_back(CeleryMonitorService::create(spec, settings, context.paths));
  return instances;
}

const bool k_registered = local_service_kinds().add({.name = "celery-monitor", .create = create_monitor});

}  // namespace
}  // namespace harness::driver::local
