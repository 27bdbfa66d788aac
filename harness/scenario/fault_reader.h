#pragma once
// Reads a step's `fault: {KIND: {...}}`: one fault of the catalogue (README, "Fault catalogue"), dispatched by
// name through the registered fault kinds (scenario/fault_syntax.h); the catalogue's kinds not written yet are
// reported as "fault 'latency' is not supported yet (supported: ...)". Below: the reading helpers the kinds'
// readers share (signals, targets, `broker:`, a data service's `service:`).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

// `entry` is the step's `fault:`; `for_entry` its `for:` (nullptr when absent), an error on a fault without an
// inverse: "'for' does not apply to fault 'kill' (it has no inverse)". `services`: as read_steps (nullptr =
// unknown, targets not checked). nullopt after reporting. FaultStep::kind is the kind's name, FaultStep::service
// its target in every case. The ledger (role: ledger) is never a target.
std::optional<FaultStep> read_fault(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services,
                                    const MapEntry* for_entry);

// A signal by name, with or without "SIG", any case ("KILL", "SIGTERM", "int"), or by number 1..64 ("9").
// nullopt when it is neither.
std::optional<int> parse_signal(std::string_view text);
// `signal: VALUE` as parse_signal, or nullopt after reporting (with a did-you-mean for a misspelt name).
std::optional<int> read_signal(YamlReader& reader, const MapEntry& entry);

// `replica: N` (the instance NAME.N of fault.service, checked against `services` when known) or `replica: random`
// (FaultStep::random_replica: one instance, chosen when the step runs). `ok`: whether the rest read well (the
// instance is checked only then). `context`: "kill fault". False after reporting (or when `ok` is false).
bool read_replica(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services, bool ok,
                  const std::string& context, FaultStep& fault);

// `KIND: NAME` or `KIND: {service: NAME, replica: N|random}` (pause, freeze): the target and replica read as
// read_instance_target and read_replica do; `context` names it ("pause fault"). nullopt after reporting.
std::optional<FaultStep> read_instance_fault(YamlReader& reader, const MapEntry& entry,
                                             const std::vector<Service>* services,
                                             const std::vector<std::string_view>& keys, const std::string& context);

// A pause or kill target: a service name or one instance of a celery-worker service, NAME.N with N in
// 1..replicas ("worker.2", as the drivers name them); not the ledger. False after reporting.
bool check_target(YamlReader& reader, const std::vector<Service>& services, const std::string& name,
                  const SourceLocation& at, const std::string& referrer);

// `KIND: NAME` or `KIND: {service: NAME, ...}` (pause, kill): the target, checked by check_target, in
// fault.service. `map` is set when the value is a map (for the kind's other keys, checked against `keys`);
// `shape` names the keys in the message for another value ("'service' and 'signal'"). False after reporting.
bool read_instance_target(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services,
                          const std::vector<std::string_view>& keys, const std::string& shape, FaultStep& fault,
                          std::optional<MapView>& map);

// `broker:` of the RabbitMQ faults: a rabbitmq service, in fault.service. False after reporting.
bool read_broker(YamlReader& reader, const MapView& map, const std::vector<Service>* services,
                 const std::string& context, FaultStep& fault);

// `service:` of a Redis or PostgreSQL fault: a service of `kind`, never the ledger, in fault.service. Returns
// the service (nullptr when unknown or wrong, with ok = false after reporting).
const Service* read_data_service(YamlReader& reader, const MapView& map, const std::vector<Service>* services,
                                 ServiceKind kind, const std::string& context, FaultStep& fault, bool& ok);

// The whole reader of a fault whose only key is `service:`, a service of `kind` (redis-restart, redis-flush,
// postgres-down): "'KIND' must be a map with 'service'" otherwise. nullopt after reporting.
std::optional<FaultStep> read_service_fault(YamlReader& reader, const MapEntry& entry,
                                            const std::vector<Service>* services, ServiceKind kind);

// The same with optional keys besides `service:` (redis-restart's `down`): "'KIND' must be a map with 'service' and
// optionally 'down'" otherwise. `read_optional` reads them from the map once `service:` is read, setting `ok` to
// false after reporting; it is called even when `service:` was wrong, so that every error is reported at once.
using ReadOptional = std::function<void(const MapView& map, FaultStep& fault, bool& ok)>;
std::optional<FaultStep> read_service_fault(YamlReader& reader, const MapEntry& entry,
                                            const std::vector<Service>* services, ServiceKind kind,
                                            const std::vector<std::string_view>& optional_keys,
                                            const ReadOptional& read_optional);

}  // namespace harness::scenario
