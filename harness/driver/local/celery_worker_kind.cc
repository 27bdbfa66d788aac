// The local driver's celery-worker kind: one Celery worker process per replica (celery_worker_service.h), set up
// from the data services' placeholders (created first); the replicas loop is shared with celery-beat
// (celery_instances.h).
#include <unistd.h>

#include <algorithm>
#include <regex>

#include "harness/driver/client_routing.h"
#include "harness/driver/local/celery_instances.h"

namespace harness::driver::local {
namespace {

constexpr const char* k_default_python = "/usr/bin/python3";

util::Expected<std::string> url_for(const std::optional<std::string>& explicit_url, const std::string& service,
                                    const std::string& key, const PlaceholderTable& table) {
  if (explicit_url) return expand_placeholders(*explicit_url, table);
  if (service.empty()) return std::string{};
  return expand_placeholders("{{" + service + "." + key + "}}", table);
}

// The scenario's `queues:` as the fixture app reads them (CELERY_CHAOS_QUEUES), or "" when it declares none.
std::string queues_json(const std::vector<scenario::QueueDeclaration>& queues) {
  if (queues.empty()) return {};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& q : queues)
    list.push_back({{"name", q.name}, {"type", q.type}, {"durable", q.durable}, {"arguments", q.arguments}});
  return list.dump();
}

// The worker's interpreter, URLs, the addresses its fixture app awaits, and its shims.
// `data_table`: the table of this instance's addresses (the client's own proxies when routed).
util::Expected<WorkerSettings> worker_settings(const scenario::Service& spec, const LocalCreation& context,
                                               const PlaceholderTable& data_table) {
  WorkerSettings settings;
  auto python = celery_python(spec, context);
  if (!python) return python.error();
  settings.python = *python;
  auto broker = url_for(spec.broker_url, spec.broker, "url", data_table);
  if (!broker) return broker.error();
  settings.broker_url = *broker;
  if (&data_table != &context.data_table) {  // routed: the readiness ping's own, direct URL
    auto direct = url_for(spec.broker_url, spec.broker, "url", context.data_table);
    if (!direct) return direct.error();
    if (*direct != *broker) settings.direct_broker_url = *direct;
  }
  // A backend offering a `backend_url` (PostgreSQL's db+postgresql+psycopg2://...) names its Celery URL there.
  const char* backend_key = data_table.count(spec.backend + ".backend_url") ? "backend_url" : "url";
  auto backend = url_for(spec.backend_url, spec.backend, backend_key, data_table);
  if (!backend) return backend.error();
  settings.backend_url = *backend;
  for (const auto& service : context.scenario.services)
    if (service.role == "ledger")  // a redis service (the reader allows the role on no other kind)
      settings.ledger_url = context.data_table.at(service.name + ".url");  // the harness's own: direct
  // The fixture app waits for these before connecting (CELERY_CHAOS_AWAIT), hiding its start behind them: the
  // services' own ports (a proxy accepts before its service is up, and a network fault must not stall the wait).
  for (const auto& dependency : {spec.broker, spec.backend}) {
    if (dependency.empty() || !data_table.count(dependency + ".port")) continue;
    // Not a Sentinel group's initial master: once failed over it may be down for good, and every command run
    // in the worker's environment would wait for it. Clients find the master through the sentinels.
    if (data_table.count(dependency + ".sentinel_ports")) continue;
    settings.await += (settings.await.empty() ? "" : " ") + std::string("127.0.0.1:") +
                      context.data_table.at(dependency + ".port");
  }
  settings.queues = queues_json(context.scenario.queues);
  settings.fixtures_dir = fixtures_dir();
  settings.bin_dir = context.paths.work_dir / spec.name / "bin";
  if (auto st = write_worker_shims(settings.bin_dir, settings.python); !st) return st;
  return settings;
}

// The expanded command and environment of one instance, from its table.
util::Expected<scenario::Service> expanded_spec(const scenario::Service& spec, const PlaceholderTable& table) {
  scenario::Service expanded = spec;
  if (expanded.command) {
    auto command = expand_placeholders(*expanded.command, table);
    if (!command) return command.error();
    expanded.command = *command;
  }
  for (auto& [key, value] : expanded.environment) {
    auto v = expand_placeholders(value, table);
    if (!v) return v.error();
    value = *v;
  }
  return expanded;
}

// A worker that a celery-monitor watches sends task events (worker_send_task_events; a command of the scenario's
// own gets `-E`, since a team's app does not read CELERY_CHAOS_CONFIG), and its clients (loads) send task-sent
// (task_send_sent_event): what Flower needs. A setting the scenario gives itself is kept.
scenario::Service with_task_events(scenario::Service spec, const scenario::Scenario& scenario) {
  const bool watched = std::any_of(scenario.services.begin(), scenario.services.end(), [&](const auto& s) {
    return s.kind == scenario::ServiceKind::k_celery_monitor &&
           std::find(s.watch.begin(), s.watch.end(), spec.name) != s.watch.end();
  });
  if (!watched) return spec;
  for (const char* setting : {"worker_send_task_events", "task_send_sent_event"})
    if (!spec.config.contains(setting)) spec.config[setting] = true;
  static const std::regex k_events_option(R"((^|\s)(-E|--task-events|--events)(\s|$))");
  if (spec.command && spec.command->find("worker") != std::string::npos &&
      !std::regex_search(*spec.command, k_events_option))
    *spec.command += " -E";
  return spec;
}

util::Expected<Instances> create_workers(const scenario::Service& written, const LocalCreation& context) {
  return create_celery_instances(with_task_events(written, context.scenario), context,
                                 [](const scenario::Service& expanded, int replica, const WorkerSettings& settings,
                                    const RunPaths& paths) -> util::Expected<std::unique_ptr<Service>> {
                                   auto worker = CeleryWorkerService::create(expanded, replica, settings, paths);
                                   if (!worker) return worker.error();
                                   return std::unique_ptr<Service>(std::move(worker.value()));
                                 });
}

const bool k_registered = local_service_kinds().add({.name = "celery-worker", .create = create_workers});

}  // namespace

util::Expected<std::string> celery_python(const scenario::Service& spec, const LocalCreation& context) {
  std::string python = spec.python.value_or(context.scenario.python.value_or(k_default_python));
  if (::access(python.c_str(), X_OK) != 0) {
    return util::Status::infrastructure("python interpreter " + python + " of service '" + spec.name +
                                        "' not found: install the Debian packages python3 and python3-celery "
                                        "(scripts/install-deps does), or set `python:`");
  }
  return python;
}

util::Expected<const PlaceholderTable*> client_table(const LocalCreation& context, const std::string& client,
                                                     PlaceholderTable& routed) {
  if (!context.paths.routing) return &context.data_table;
  auto table = context.paths.routing->client_table(context.data_table, client);
  if (!table) return table.error();
  routed = std::move(*table);
  return &routed;
}

// Each replica from its own table: with client routing (RunPaths::routing), its own proxies of the proxied
// services, so a network fault `from: worker.1` reaches that replica alone.
util::Expected<Instances> create_celery_instances(const scenario::Service& spec, const LocalCreation& context,
                                                  const CeleryInstanceFactory& make) {
  Instances instances;
  for (int replica = 1; replica <= spec.replicas; ++replica) {
    PlaceholderTable routed;
    auto client = client_table(context, spec.name + "." + std::to_string(replica), routed);
    if (!client) return client.error();
    const PlaceholderTable& table = **client;
    auto settings = worker_settings(spec, context, table);
    if (!settings) return settings.error();
    auto expanded = expanded_spec(spec, table);
    if (!expanded) return expanded.error();
    auto instance = make(*expanded, replica, *settings, context.paths);
    if (!instance) return instance.error();
    instances.push_back(std::move(instance.value()));
  }
  return instances;
}
}  // namespace harness::driver::local
