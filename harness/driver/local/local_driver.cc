// The local driver: every service a real process from the machine's packages; scenarios, steps and checks never know which driver runs them.
// Each kind's instances come from its factory (local_kinds.h), found by the kind's name.
#include "harness/driver/driver.h"
#include "harness/driver/local/local_kinds.h"
#include "harness/driver/placeholders.h"
#include "harness/process/sweeper.h"
#include "harness/scenario/service_kind.h"

namespace harness::driver {

namespace {

class LocalDriver final : public Driver {
public:
  std::string name() const override { return "local"; }

  util::Expected<std::vector<std::unique_ptr<Service>>> create_services(const scenario::Scenario& scenario,
                                                                         const RunPaths& paths) override {
    std::vector<std::unique_ptr<Service>> services;
    // Data services first: workers' URLs are derived from their addresses.
    if (auto st = create_kinds(scenario, paths, {}, true, services); !st) return st;
    PlaceholderTable data_table = placeholder_table(services);
    data_table["run.dir"] = paths.work_dir.string();
    data_table["run.id"] = paths.run_id;
    if (auto st = create_kinds(scenario, paths, data_table, false, services); !st) return st;
    return services;
  }

  std::vector<std::int64_t> kill_leftovers(const std::string& run_id) override {
    const auto swept = process::kill_run(run_id);  // every process marked with the run id (process/sweeper.h)
    return {swept.killed.begin(), swept.killed.end()};
  }

private:
  // Appends the instances of every service whose kind is (or is not) a data kind, in file order.
  static util::Status create_kinds(const scenario::Scenario& scenario, const RunPaths& paths,
                                   const PlaceholderTable& data_table, bool data,
                                   std::vector<std::unique_ptr<Service>>& services) {
    const local::LocalCreation context{scenario, paths, data_table};
    for (const auto& spec : scenario.services) {
      const scenario::ServiceKindInfo* kind = scenario::find_service_kind(spec.kind);
      if (!kind) return util::Status::invalid("service '" + spec.name + "' has no registered kind");
      if (kind->data != data) continue;
      const local::LocalServiceKind* factory = local::local_service_kinds().find(kind->name);
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
};
}  // namespace

std::unique_ptr<Driver> make_local_driver() { return std::make_unique<LocalDriver>(); }

}  // namespace harness::driver
