#pragma once
// Reads a step's `fault: {KIND: {...}}`: one fault of the catalogue (README, "Fault catalogue"), with its
// target checked against the scenario's services. Supported so far: pause, kill, pidbox-reply-expiry, policy,
// disk-alarm, memory-alarm, close-connections, broker-restart, redis-readonly, redis-restart, postgres-down,
// drop-database; the rest of the catalogue is reported as "fault 'latency' is not supported yet (supported: ...)".
#include <optional>
#include <string_view>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

// `entry` is the step's `fault:`; `for_entry` its `for:` (nullptr when absent), an error on a fault without an
// inverse: "'for' does not apply to fault 'kill' (it has no inverse)". `services`: as read_steps (nullptr =
// unknown, targets not checked). nullopt after reporting.
//
// Targets: pause and kill take a service name or one instance of a celery-worker service, NAME.N with N in
// 1..replicas ("worker.2", as the drivers name them); pidbox-reply-expiry, policy, the alarms, close-connections
// and broker-restart take a rabbitmq service as `broker`; redis-readonly and redis-restart a redis `service`
// (redis-readonly's `of` another one); postgres-down and drop-database a postgres `service`. The ledger
// (role: ledger) is never a target. FaultStep::service is the target in every case. `for` is an error on the
// faults without an inverse (kill, close-connections, broker-restart, redis-restart).
std::optional<FaultStep> read_fault(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services,
                                    const MapEntry* for_entry);

// A signal by name, with or without "SIG", any case ("KILL", "SIGTERM", "int"), or by number 1..64 ("9").
// nullopt when it is neither.
std::optional<int> parse_signal(std::string_view text);

}  // namespace harness::scenario
