#pragma once
// Reads the scenario's `queues:` (the queues it declares once: name, type, durable, arguments) and checks the
// workers' `queues:` (the -Q of their default command) against them.
#include <vector>

#include "harness/scenario/model.h"
#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

// Every declaration with a usable name, in file order. Reports a missing or duplicate name, an unknown type, a
// quorum or stream queue that is not durable (RabbitMQ declares those durable only), `arguments` that is not a
// map, and an x-queue-type among the arguments (the type says it).
std::vector<QueueDeclaration> read_queues(YamlReader& reader, const MapEntry& entry);

// Each worker's `queues:` names a declared queue or Celery's default `celery` (a misspelt name would otherwise
// be a new, empty classic queue the worker waits on forever).
void check_worker_queues(YamlReader& reader, const Scenario& scenario);

}  // namespace harness::scenario
