// RabbitMQ resource alarms, each observed on the real broker (times measured on Debian 12, RabbitMQ 3.10):
//   disk-alarm    {broker}  rabbitmqctl set_disk_free_limit 1000GB; the "disk space" alarm is listed by
//                 GET /api/health/checks/alarms. Cleared: set_disk_free_limit 50MB (RabbitMQ's default).
//   memory-alarm  {broker}  rabbitmqctl set_vm_memory_high_watermark absolute 10MB; the "memory" alarm is listed.
//                 Cleared: set_vm_memory_high_watermark 0.4 (the default).
// An alarm is listed ~5 ms after rabbitmqctl returns; fault.start is recorded once it is listed.
#include "harness/fault/alarms.h"

#include <algorithm>

#include "harness/datastore/rabbitmq_management.h"
#include "harness/fault/fault_kind.h"
#include "harness/fault/observe.h"
#include "harness/fault/rabbitmqctl.h"
#include "harness/scenario/fault_reader.h"

namespace harness::fault {

namespace {
using namespace std::chrono_literals;

constexpr auto k_observe_timeout = 10s;
constexpr auto k_http_interval = 50ms;
constexpr const char* k_default_disk_free_limit = "50MB";  // RabbitMQ's default; the harness sets no other
constexpr const char* k_default_watermark = "0.4";         // RabbitMQ's default vm_memory_high_watermark

struct Alarm {
  const char* kind;
  const char* resource;  // as GET /api/health/checks/alarms names it
};
const Alarm k_disk{"disk-alarm", "disk space"};
const Alarm k_memory{"memory-alarm", "memory"};

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Polls the alarms check until `resource` is (or is no longer) listed. `alarms` gets the last list seen.
PollOutcome await_alarm(const datastore::ManagementApi& api, const std::string& resource, bool present,
                        std::vector<std::string>& alarms) {
  return poll_until(
      [&] {
        auto body = api.get_json(datastore::k_alarms_check, 503);
        if (!body) return false;
        alarms = datastore::alarm_resources(*body);
        return has(alarms, resource) == present;
      },
      k_observe_timeout, k_http_interval);
}

std::optional<std::int64_t> disk_free(const datastore::ManagementApi& api) {
  auto nodes = api.get_json("/api/nodes?columns=name,disk_free");
  if (!nodes || !nodes->is_array() || nodes->empty()) return std::nullopt;
  const auto& node = nodes->front();
  if (!node.contains("disk_free") || !node["disk_free"].is_number_integer()) return std::nullopt;
  return node["disk_free"].get<std::int64_t>();
}

// The inverse: `clear`, then the alarm observed gone; fault.end {kind, command, cleared, alarms, took_ms}.
void clear_alarm(const Alarm& alarm, const driver::Service& service, const datastore::ManagementApi& api,
                 const std::vector<std::string>& clear, const std::string& broker, history::History& history) {
  const auto begin = std::chrono::steady_clock::now();
  nlohmann::json data = {{"kind", alarm.kind}, {"command", command_text(clear)}};
  std::vector<std::string> alarms;
  if (auto st = run_ctl(service, clear); !st) {
    data["cleared"] = false;
    data["error"] = st.message();
  } else {
    const auto gone = await_alarm(api, alarm.resource, /*present=*/false, alarms);
    data["cleared"] = gone.met;
    data["observed_after_ms"] = gone.after.count();
  }
  data["alarms"] = alarms;
  data["took_ms"] = ms_since(begin);
  history.record(history::EventType::k_fault_end, broker, std::move(data));
}

util::Expected<std::shared_ptr<Clearer>> apply_alarm(const Alarm& alarm, const std::string& broker, stack::Stack& stack,
                                                     history::History& history) {
  auto service = broker_service(stack, broker);
  if (!service) return service.error();
  auto api = datastore::ManagementApi::of(stack.placeholders(), broker);
  if (!api) return api.error();
  const bool disk = std::string_view(alarm.kind) == k_disk.kind;
  const std::vector<std::string> raise =
      disk ? std::vector<std::string>{"set_disk_free_limit", disk_limit_for_alarm(disk_free(*api))}
           : std::vector<std::string>{"set_vm_memory_high_watermark", "absolute", "10MB"};
  const std::vector<std::string> clear =
      disk ? std::vector<std::string>{"set_disk_free_limit", k_default_disk_free_limit}
           : std::vector<std::string>{"set_vm_memory_high_watermark", k_default_watermark};
  // The inverse, also used when the alarm was set but never showed.
  auto undo = [service = *service, api = *api, alarm, clear, broker, &history] {
    clear_alarm(alarm, *service, api, clear, broker, history);
  };

  const auto begin = std::chrono::steady_clock::now();
  if (auto st = run_ctl(**service, raise); !st) return st;
  const auto command_ms = ms_since(begin);
  std::vector<std::string> alarms;
  const auto seen = await_alarm(*api, alarm.resource, /*present=*/true, alarms);
  if (!seen.met) {
    undo();
    return util::Status::infrastructure("the '" + std::string(alarm.resource) + "' alarm was not listed by " +
                                        datastore::k_alarms_check + " within " +
                                        std::to_string(k_observe_timeout.count()) + " s after " + command_text(raise));
  }
  history.record(history::EventType::k_fault_start, broker,
                 {{"kind", alarm.kind}, {"command", command_text(raise)}, {"alarms", alarms}, {"observed", true},
                  {"command_ms", command_ms}, {"observed_after_ms", seen.after.count()}, {"took_ms", ms_since(begin)}});
  return std::make_shared<Clearer>(undo);
}

std::optional<scenario::FaultStep> read_alarm(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                              const std::vector<scenario::Service>* services) {
  const std::string context = entry.key + " fault";
  auto map = scenario::read_map(reader, entry, scenario::quote(entry.key) + " must be a map with 'broker'", {"broker"},
                                context);
  if (!map) return std::nullopt;
  scenario::FaultStep fault;
  if (!scenario::read_broker(reader, *map, services, context, fault)) return std::nullopt;
  return fault;
}

const bool k_disk_registered =
    register_fault({.name = k_disk.kind,
                    .keys = {"broker"},
                    .summary = "RabbitMQ's disk alarm raised; cleared by the default disk free limit",
                    .read = read_alarm},
                   [](const scenario::FaultStep& fault, stack::Stack& stack, history::History& history) {
                     return apply_alarm(k_disk, fault.service, stack, history);
                   });
const bool k_memory_registered =
    register_fault({.name = k_memory.kind,
                    .keys = {"broker"},
                    .summary = "RabbitMQ's memory alarm raised; cleared by the default memory watermark",
                    .read = read_alarm},
                   [](const scenario::FaultStep& fault, stack::Stack& stack, history::History& history) {
                     return apply_alarm(k_memory, fault.service, stack, history);
                   });

}  // namespace

std::string disk_limit_for_alarm(std::optional<std::int64_t> disk_free_bytes) {
  constexpr std::int64_t k_half_limit = 500'000'000'000;  // 1000GB / 2
  if (disk_free_bytes && *disk_free_bytes >= k_half_limit) return std::to_string(*disk_free_bytes * 2);
  return "1000GB";
}

}  // namespace harness::fault
