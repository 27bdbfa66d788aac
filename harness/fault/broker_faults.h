#pragma once
// RabbitMQ faults, each observed on the real broker (times measured on Debian 12, RabbitMQ 3.10):
//   disk-alarm          rabbitmqctl set_disk_free_limit 1000GB; the "disk space" alarm is listed by
//                       GET /api/health/checks/alarms. Cleared: set_disk_free_limit 50MB (RabbitMQ's default).
//   memory-alarm        rabbitmqctl set_vm_memory_high_watermark absolute 10MB; the "memory" alarm is listed.
//                       Cleared: set_vm_memory_high_watermark 0.4 (the default).
//   close-connections   rabbitmqctl close_all_connections: records how many were closed ("Closed N
//                       connections"), then the live connection list: reconnected clients (running) and closed
//                       ones a client has not answered yet (state closed: it has not read connection.close).
//                       Not the management API: its connection list is a statistics sample, up to ~5 s late, so
//                       a fresh connection is neither listed nor closable there. No inverse: clients reconnect.
//   broker-restart      graceful: rabbitmqctl stop_app, AMQP refused, start_app, ready again (~5.5 s + ~1.4 s;
//                       the AMQP listener closes at once, fault.start is recorded then, but stop_app returns only
//                       ~5 s later: it waits for the management statistics to stop). kill: SIGKILL of beam.smp, AMQP refused, a boot on the same mnesia dir through the
//                       Stack (its exit is not a crash to the orchestrator), ready again. Both are one step: the
//                       broker is back when the step ends (fault.start = down, fault.end = back, with downtime_ms).
// rabbitmqctl is used only where the management API cannot do it (alarms, stop_app/start_app); each call
// costs ~0.5-0.7 s.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/fault/fault_injector.h"

namespace harness::fault {

bool is_broker_fault(const std::string& kind);
// REQUIRES: is_broker_fault(fault.kind).
util::Expected<std::shared_ptr<Clearer>> apply_broker_fault(const scenario::FaultStep& fault, stack::Stack& stack,
                                                            history::History& history);

struct ConnectionState {
  std::string name;   // "127.0.0.1:50882 -> 127.0.0.1:60827"
  std::string state;  // running, blocking, blocked, flow, closed (sent connection.close, no close-ok yet), ...
};
// The connections of `rabbitmqctl list_connections name state --formatter json` (the management API's
// GET /api/connections has the same shape); entries without a name are skipped, anything else gives none.
std::vector<ConnectionState> connections_in(const nlohmann::json& list);
// N from close_all_connections' "Closed N connections"; nullopt when the output does not say.
std::optional<int> closed_count(const std::string& output);

// The disk free limit that raises the disk alarm: "1000GB", or twice the free space when the disk has 500 GB
// free or more (then in bytes), so the alarm is raised on any disk.
std::string disk_limit_for_alarm(std::optional<std::int64_t> disk_free_bytes);

}  // namespace harness::fault
