#pragma once
// What the Celery kinds (celery-worker, celery-beat, celery-monitor) share when the local driver creates their
// instances: one per replica, each with the interpreter, URLs, ledger, awaited ports and shims of a worker
// (WorkerSettings), from its own placeholder table (its own proxies under client routing). Defined in
// celery_worker_kind.cc.
#include <functional>

#include "harness/driver/local/celery_worker_service.h"
#include "harness/driver/local/local_kinds.h"

namespace harness::driver::local {

// Makes one replica (1-based) of a service whose placeholders are expanded already.
using CeleryInstanceFactory = std::function<util::Expected<std::unique_ptr<Service>>(
    const scenario::Service& expanded, int replica, const WorkerSettings& settings, const RunPaths& paths)>;

// The interpreter of a Celery service: its `python:`, the scenario's, else /usr/bin/python3. k_infrastructure
// naming the package to install when it cannot be run.
util::Expected<std::string> celery_python(const scenario::Service& spec, const LocalCreation& context);

// The placeholder table client `client` ("worker.1") reaches the data services through: under client routing its
// own proxies' table, kept in `routed`, else the data services' own (context.data_table itself, so a caller can
// tell the two apart by address).
util::Expected<const PlaceholderTable*> client_table(const LocalCreation& context, const std::string& client,
                                                     PlaceholderTable& routed);

// The `replicas:` instances of `spec`, made by `make`; the first error stops (nothing is started).
util::Expected<Instances> create_celery_instances(const scenario::Service& spec, const LocalCreation& context,
                                                  const CeleryInstanceFactory& make);

}  // namespace harness::driver::local
