// The local driver's celery-worker kind: one Celery worker process per replica (celery_worker_service.h), set up
// from the data services' placeholders (created first).
#include <unistd.h>

#include "harness/driver/local/celery_worker_service.h"
#include "harness/driver/local/local_kinds.h"

namespace harness::driver::local {
namespace {

constexpr const char* k_default_python = "/usr/bin/python3";

util::Expected<std::string> url_for(const std::optional<std::string>& explicit_url, const std::string& service,
                                    const std::string& key, const PlaceholderTable& table) {
  if (explicit_url) return expand_placeholders(*explicit_url, table);
  if (service.empty()) return std::string{};
  return expand_placeholders("{{" + service + "." + key + "}}", table);
}

// The worker's interpreter, URLs, the addresses its fixture app awaits, and its shims.
util::Expected<WorkerSettings> worker_settings(const scenario::Service& spec, const LocalCreation& context) {
  const PlaceholderTable& data_table = context.data_table;
  WorkerSettings settings;
  settings.python = spec.python.value_or(context.scenario.python.value_or(k_default_python));
  if (::access(settings.python.c_str(), X_OK) != 0) {
    return util::Status::infrastructure("python interpreter " + settings.python + " of service '" + spec.name +
                                        "' not found: install the Debian packages python3 and python3-celery "
                                        "(scripts/install-deps does), or set `python:`");
  }
  auto broker = url_for(spec.broker_url, spec.broker, "url", data_table);
  if (!broker) return broker.error();
  settings.broker_url = *broker;
  // A backend offering a `backend_url` (PostgreSQL's db+postgresql+psycopg2://...) names its Celery URL there.
  const char* backend_key = data_table.count(spec.backend + ".backend_url") ? "backend_url" : "url";
  auto backend = url_for(spec.backend_url, spec.backend, backend_key, data_table);
  if (!backend) return backend.error();
  settings.backend_url = *backend;
  for (const auto& service : context.scenario.services)
    if (service.role == "ledger")  // a redis service (the reader allows the role on no other kind)
      settings.ledger_url = data_table.at(service.name + ".url");
  // The fixture app waits for these before connecting (CELERY_CHAOS_AWAIT), hiding its start behind them.
  for (const auto& dependency : {spec.broker, spec.backend}) {
    if (dependency.empty() || !data_table.count(dependency + ".port")) continue;
    // Not a Sentinel group's initial master: once failed over it may be down for good, and every command run
    // in the worker's environment would wait for it. Clients find the master through the sentinels.
    if (data_table.count(dependency + ".sentinel_ports")) continue;
    settings.await += (settings.await.empty() ? "" : " ") + std::string("127.0.0.1:") +
                      data_table.at(dependency + ".port");
  }
  settings.fixtures_dir = fixtures_dir();
  settings.bin_dir = context.paths.work_dir / spec.name / "bin";
  settings.run_token = "cc-" + context.paths.run_id;
  if (auto st = write_worker_shims(settings.bin_dir, settings.python); !st) return st;
  return settings;
}

util::Expected<Instances> create_workers(const scenario::Service& spec, const LocalCreation& context) {
  auto settings = worker_settings(spec, context);
  if (!settings) return settings.error();
  scenario::Service expanded = spec;
  if (expanded.command) {
    auto command = expand_placeholders(*expanded.command, context.data_table);
    if (!command) return command.error();
    expanded.command = *command;
  }
  for (auto& [key, value] : expanded.environment) {
    auto v = expand_placeholders(value, context.data_table);
    if (!v) return v.error();
    value = *v;
  }
  Instances workers;
  for (int replica = 1; replica <= spec.replicas; ++replica) {
    auto worker = CeleryWorkerService::create(expanded, replica, *settings, context.paths);
    if (!worker) return worker.error();
    workers.push_back(std::move(worker.value()));
  }
  return workers;
}

const bool k_registered = local_service_kinds().add({.name = "celery-worker", .create = create_workers});

}  // namespace
}  // namespace harness::driver::local
