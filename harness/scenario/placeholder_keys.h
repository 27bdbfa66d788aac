#pragma once
// {{SERVICE.KEY}} placeholders, known before anything starts: where they stand in a string, and the keys a
// scenario's services offer, from what each kind of service registers (service_kind.h); the local driver's real
// values (each Service::placeholders()) are checked against it by tests/driver/placeholder_table_test.cc, so the
// loader can reject a typo at its line instead of after the services booted.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/model.h"

namespace harness::scenario {

// One {{KEY}} in a string: `offset`/`length` cover the braces, `key` is what is inside without surrounding
// blanks. A "{{" without a later "}}" is text, not a placeholder (as driver::expand_placeholders reads it).
struct PlaceholderUse {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string key;
};
std::vector<PlaceholderUse> find_placeholders(std::string_view text);

// Where a string is expanded, which decides what it can use:
//   k_worker_setup  a celery-worker's command, environment values, broker_url and backend_url: expanded when the
//                   workers are created, from the data services (rabbitmq, redis, postgres) and run.* only;
//   k_run           exec commands, healthcheck tests, load fields: expanded while the run goes, from every
//                   instance and run.*.
enum class PlaceholderScope { k_worker_setup, k_run };

// Every key usable in `scope`, sorted: per service SERVICE.KEY (its first instance), per instance whose name is not
// the service's (worker.2, cache.replica-1, cache.sentinel-1) INSTANCE.KEY, SERVICE.nodes where instances have a
// node, and run.dir, run.id. Each kind's instances and keys are registered with it (service_kind.h).
std::vector<std::string> placeholder_keys(const Scenario& scenario, PlaceholderScope scope);

}  // namespace harness::scenario
