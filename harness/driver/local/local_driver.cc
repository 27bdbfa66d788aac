// The local driver: every service a real process from the machine's packages; scenarios, steps and checks never know which driver runs them.
#include <unistd.h>

#include "harness/driver/driver.h"
#include "harness/driver/local/celery_worker_service.h"
#include "harness/driver/local/postgres_service.h"
#include "harness/driver/local/rabbitmq_service.h"
#include "harness/driver/local/redis_service.h"
#include "harness/driver/local/sentinel_service.h"
#include "harness/driver/placeholders.h"
#include "harness/process/sweeper.h"

namespace harness::driver {

namespace {
using scenario::ServiceKind;

constexpr const char* k_default_python = "/usr/bin/python3";

class LocalDriver final : public Driver {
public:
  std::string name() const override { return "local"; }

  util::Expected<std::vector<std::unique_ptr<Service>>> create_services(const scenario::Scenario& scenario,
                                                                         const RunPaths& paths) override {
    std::vector<std::unique_ptr<Service>> services;
    // Data services first: workers' URLs are derived from their addresses.
    for (const auto& spec : scenario.services) {
      util::Expected<std::unique_ptr<Service>> created = util::Status::invalid("");
      switch (spec.kind) {
        case ServiceKind::k_rabbitmq: created = upcast(local::RabbitmqService::create(spec, paths)); break;
        case ServiceKind::k_redis: {
          // The master, then its replicas and sentinels (NAME.replica-K, NAME.sentinel-K); NAME comes first,
          // so {{NAME.port}} and {{NAME.url}} are the initial master's.
          auto group = local::create_redis_instances(spec, paths);
          if (!group) return group.error();
          for (auto& instance : *group) services.push_back(std::move(instance));
          continue;
        }
        case ServiceKind::k_postgres: created = upcast(local::PostgresService::create(spec, paths)); break;
        case ServiceKind::k_celery_worker: continue;
      }
      if (!created) return created.error();
      services.push_back(std::move(created.value()));
    }
    const PlaceholderTable data_table = [&] {
      auto t = placeholder_table(services);
      t["run.dir"] = paths.work_dir.string();
      t["run.id"] = paths.run_id;
      return t;
    }();
    std::string ledger_url;
    for (const auto& spec : scenario.services) {
      if (spec.kind == ServiceKind::k_redis && spec.role == "ledger") ledger_url = data_table.at(spec.name + ".url");
    }
    for (const auto& spec : scenario.services) {
      if (spec.kind != ServiceKind::k_celery_worker) continue;
      local::WorkerSettings settings;
      settings.python = spec.python.value_or(scenario.python.value_or(k_default_python));
      if (::access(settings.python.c_str(), X_OK) != 0) {
        return util::Status::infrastructure("python interpreter " + settings.python + " of service '" + spec.name +
                                            "' not found: install the Debian packages python3 and python3-celery "
                                            "(scripts/install-deps does), or set `python:`");
      }
      auto broker = url_for(spec.broker_url, spec.broker, "url", data_table);
      if (!broker) return broker.error();
      settings.broker_url = *broker;
      const auto* backend_spec = scenario.find_service(spec.backend);
      const char* backend_key = backend_spec && backend_spec->kind == ServiceKind::k_postgres ? "backend_url" : "url";
      auto backend = url_for(spec.backend_url, spec.backend, backend_key, data_table);
      if (!backend) return backend.error();
      settings.backend_url = *backend;
      settings.ledger_url = ledger_url;
      // The fixture app waits for these before connecting (CELERY_CHAOS_AWAIT), hiding its start behind them.
      for (const auto& dependency : {spec.broker, spec.backend}) {
        if (dependency.empty() || !data_table.count(dependency + ".port")) continue;
        // Not a Sentinel group's initial master: once failed over it may be down for good, and every command run
        // in the worker's environment would wait for it. Clients find the master through the sentinels.
        if (data_table.count(dependency + ".sentinel_ports")) continue;
        settings.await += (settings.await.empty() ? "" : " ") + std::string("127.0.0.1:") +
                          data_table.at(dependency + ".port");
      }
      settings.fixtures_dir = local::fixtures_dir();
      settings.bin_dir = paths.work_dir / spec.name / "bin";
      settings.run_token = "cc-" + paths.run_id;
      if (auto st = local::write_worker_shims(settings.bin_dir, settings.python); !st) return st;

      scenario::Service expanded = spec;
      if (expanded.command) {
        auto command = expand_placeholders(*expanded.command, data_table);
        if (!command) return command.error();
        expanded.command = *command;
      }
      for (auto& [key, value] : expanded.environment) {
        auto v = expand_placeholders(value, data_table);
        if (!v) return v.error();
        value = *v;
      }
      for (int replica = 1; replica <= spec.replicas; ++replica) {
        auto worker = local::CeleryWorkerService::create(expanded, replica, settings, paths);
        if (!worker) return worker.error();
        services.push_back(std::move(worker.value()));
      }
    }
    return services;
  }

  std::vector<std::int64_t> kill_leftovers(const std::string& run_id) override {
    const auto swept = process::kill_run(run_id);  // every process marked with the run id (process/sweeper.h)
    return {swept.killed.begin(), swept.killed.end()};
  }

private:
  template <typename T>
  static util::Expected<std::unique_ptr<Service>> upcast(util::Expected<std::unique_ptr<T>> created) {
    if (!created) return created.error();
    return std::unique_ptr<Service>(std::move(created.value()));
  }

  static util::Expected<std::string> url_for(const std::optional<std::string>& explicit_url, const std::string& service,
                                             const std::string& key, const PlaceholderTable& table) {
    if (explicit_url) return expand_placeholders(*explicit_url, table);
    if (service.empty()) return std::string{};
    return expand_placeholders("{{" + service + "." + key + "}}", table);
  }
};
}  // namespace

std::unique_ptr<Driver> make_local_driver() { return std::make_unique<LocalDriver>(); }

}  // namespace harness::driver
