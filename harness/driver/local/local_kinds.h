#pragma once
// How the local driver creates the instances of each service kind, keyed by the kind's name as the scenario reader
// registers it (scenario/service_kind.h). Each kind registers its factory from its own file
// (driver/local/<kind>_kind.cc); the driver creates the data kinds first, then the others with the data services'
// placeholders in hand.
#include <memory>
#include <string_view>
#include <vector>

#include "harness/driver/driver.h"
#include "harness/driver/placeholders.h"
#include "harness/scenario/model.h"
#include "harness/util/registry.h"
#include "harness/util/status.h"

namespace harness::driver::local {

using Instances = std::vector<std::unique_ptr<Service>>;

struct LocalCreation {
  const scenario::Scenario& scenario;
  const RunPaths& paths;
  // The data services' placeholders, with run.dir and run.id: empty while the data services themselves are created.
  const PlaceholderTable& data_table;
};

struct LocalServiceKind {
  std::string_view name;
  // The instances of `spec`, first one first (NAME, then NAME.replica-K, NAME.2, ...); nothing is started.
  util::Expected<Instances> (*create)(const scenario::Service& spec, const LocalCreation& context) = nullptr;
};

util::Registry<LocalServiceKind>& local_service_kinds();

// One created instance as the list a factory returns.
template <typename T>
util::Expected<Instances> one_instance(util::Expected<std::unique_ptr<T>> created) {
  if (!created) return created.error();
  Instances instances;
  instances.push_back(std::move(created.value()));
  return instances;
}

}  // namespace harness::driver::local
