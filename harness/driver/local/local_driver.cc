// The local driver: every service a real process from the machine's packages; scenarios, steps and checks never
// know which driver runs them.
#include "harness/driver/local/local_driver.h"

#include "harness/driver/local/celery_worker_service.h"
#include "harness/driver/local/local_kinds.h"
#include "harness/driver/local/local_service.h"
#include "harness/driver/placeholders.h"
#include "harness/process/sweeper.h"
#include "harness/scenario/service_kind.h"

namespace harness::driver {
namespace local {
namespace {

// Appends the instances of every service whose kind is (or is not) a data kind, in file order.
util::Status create_kinds(const scenario::Scenario& scenario, const RunPaths& paths, const PlaceholderTable& data_table,
                          bool data, std::vector<std::unique_ptr<Service>>& services) {
  const LocalCreation context{scenario, paths, data_table};
  for (const auto& spec : scenario.services) {
    const scenario::ServiceKindInfo* kind = scenario::find_service_kind(spec.kind);
    if (!kind) return util::Status::invalid("service '" + spec.name + "' has no registered kind");
    if (kind->data != data) continue;
    const LocalServiceKind* factory = local_service_kinds().find(kind->name);
    if (!factory) {
      return util::Status::invalid("the local driver cannot run " + std::string(kind->name) + " services (service '" +
                                   spec.name + "')");
    }
    auto created = factory->create(spec, context);
    if (!created) return created.error();
    for (auto& instance : *created) services.push_back(std::move(instance));
  }
  return util::Status::ok();
}

}  // namespace

PlaceholderTable run_placeholders(const RunPaths& paths) {
  return {{"run.dir", paths.work_dir.string()},
          {"run.id", paths.run_id},
          {"run.fixtures", fixtures_dir().string()},
          {"run.logs", paths.logs_dir.string()}};
}

util::Expected<std::vector<std::unique_ptr<Service>>> RecipeDriver::create_services(const scenario::Scenario& scenario,
                                                                                     const RunPaths& paths) {
  std::vector<std::unique_ptr<Service>> services;
  // Data services first: workers' URLs are derived from their addresses.
  if (auto st = create_kinds(scenario, paths, {}, true, services); !st) return st;
  PlaceholderTable data_table = placeholder_table(services);
  data_table.merge(run_placeholders(paths));
  if (auto st = create_kinds(scenario, paths, data_table, false, services); !st) return st;
  const Launcher launcher = m_launchers(paths);
  for (auto& service : services)
    if (auto* recipe = dynamic_cast<LocalService*>(service.get())) recipe->set_launcher(launcher, m_engine_health, m_orchestrates);
  return services;
}

util::Expected<Versions> RecipeDriver::versions_once(const std::function<util::Expected<Versions>()>& read) {
  std::lock_guard lock(m_versions_mutex);
  if (!m_versions) m_versions = read();
  return *m_versions;
}

util::Expected<Versions> RecipeDriver::stack_versions() { return versions_once(host_versions); }

std::vector<std::int64_t> RecipeDriver::kill_leftovers(const std::string& run_id) {
  const auto swept = process::kill_run(run_id);  // every process marked with the run id (process/sweeper.h)
  return {swept.killed.begin(), swept.killed.end()};
}

}  // namespace local

std::unique_ptr<Driver> make_local_driver() {
  return std::make_unique<local::RecipeDriver>("local", [](const RunPaths&) { return local::process_launcher(); });
}

}  // namespace harness::driver
