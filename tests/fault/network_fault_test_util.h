#pragma once
// The scenario head the network fault tests (network_fault_test.cc, partition_test.cc) load their steps under:
// a broker, a Redis result backend, the ledger and two worker replicas. Steps start on line 8.
#include <string>

namespace harness::fault::testing {

inline const std::string k_network_head =
    "name: t\nservices:\n  broker: {image: rabbitmq}\n  results: {image: redis}\n"
    "  ledger: {image: redis, role: ledger}\n  worker: {image: celery, broker: broker, backend: results, replicas: 2}\n"
    "steps:\n";

}  // namespace harness::fault::testing
