// redis-restart: {service, down}  stopped (SIGTERM) through the Stack, PING refused, left down for `down` (default 0)
// from then, started on the same port, PING answered (Redis answers ~0.1 s after a start). One step, no inverse. The
// harness's Redis has no persistence: its data is gone. fault.start {port: refused|open, took_ms, down_ms},
// fault.end {ready, ping, boot_ms, downtime_ms}.
#include "harness/fault/redis_restart.h"

#include "harness/fault/fault_kind.h"
#include "harness/fault/observe.h"
#include "harness/fault/redis_access.h"
#include "harness/scenario/fault_reader.h"

namespace harness::fault {

namespace {
using namespace std::chrono_literals;

constexpr auto k_down_timeout = 5s;
constexpr auto k_stop_timeout = 30s;
constexpr auto k_start_timeout = 60s;
const std::vector<std::string_view> k_keys{"service", "down"};

util::Expected<std::shared_ptr<Clearer>> apply(const scenario::FaultStep& fault, stack::Stack& stack,
                                               history::History& history) {
  auto service = service_of_kind(stack, fault.service, "redis");
  if (!service) return service.error();
  auto found = address_of(stack, fault.service);
  if (!found) return found.error();
  const RedisAddress address = *found;
  const auto begin = std::chrono::steady_clock::now();
  if (auto st = stack.stop_instance(*service, "redis-restart", {}, k_stop_timeout); !st) return st;
  const bool refused = poll_until([&] { return port_refuses(address.port); }, k_down_timeout).met;
  const auto down = scenario::params_of<RedisRestartParams>(fault).down;
  history.record(history::EventType::k_fault_start, fault.service,
                 {{"kind", "redis-restart"}, {"port", refused ? "refused" : "open"}, {"took_ms", ms_since(begin)},
                  {"down_ms", down.count()}});
  // Cancelled during the outage: started again anyway, so that the step ends as it always does, with Redis back.
  hold_down(down, std::chrono::steady_clock::now());
  const auto boot = std::chrono::steady_clock::now();
  auto started = stack.start_instance(*service, "redis-restart", k_start_timeout);
  std::string ping;
  if (started) {
    if (auto pong = redis_command(address, {"PING"})) ping = pong->str;
  }
  nlohmann::json end = {{"kind", "redis-restart"}, {"ready", started.is_ok()}, {"ping", ping},
                        {"boot_ms", ms_since(boot)}, {"downtime_ms", ms_since(begin)}};
  if (!started) end["error"] = started.message();
  history.record(history::EventType::k_fault_end, fault.service, std::move(end));
  if (!started) return started;
  return std::make_shared<Clearer>(nullptr);
}

std::optional<scenario::FaultStep> read(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                        const std::vector<scenario::Service>* services) {
  return scenario::read_service_fault(
      reader, entry, services, scenario::ServiceKind::k_redis, {"down"},
      [&reader](const scenario::MapView& map, scenario::FaultStep& fault, bool& ok) {
        RedisRestartParams params;
        if (const auto* e = map.find("down"))
          scenario::assign_or_fail(scenario::read_duration(reader, *e, scenario::DurationRule::k_any), params.down, ok);
        fault.params = std::make_shared<RedisRestartParams>(params);
      });
}

const bool k_registered = register_fault({.name = "redis-restart",
                                          .keys = k_keys,
                                          .summary = "stopped, left down for `down`, started on the same port",
                                          .no_inverse = "it has no inverse: the service is back when the step ends; `down:` sets how long "
                                                        "it stays down",
                                          .read = read},
                                         apply);

}  // namespace

}  // namespace harness::fault
