// broker-restart: {broker, mode}  (times measured on Debian 12, RabbitMQ 3.10)
//   graceful (default): rabbitmqctl stop_app, AMQP refused, start_app, ready again (~5.5 s + ~1.4 s; the AMQP
//   listener closes at once, fault.start is recorded then, but stop_app returns only ~5 s later: it waits for the
//   management statistics to stop).
//   kill: SIGKILL of the server (beam.smp) through the driver, AMQP refused, a boot on the same mnesia dir through
//   the Stack (its exit is not a crash to the orchestrator), ready again.
// Both are one step: the broker is back when the step ends (fault.start = down, fault.end = back, with
// downtime_ms). `down: 10s` keeps it down at least that long from when AMQP was seen refusing. No inverse.
#include "harness/fault/broker_restart.h"

#include <signal.h>

#include <future>

#include "harness/fault/fault_kind.h"
#include "harness/fault/observe.h"
#include "harness/fault/rabbitmqctl.h"
#include "harness/scenario/fault_reader.h"
#include "harness/util/port.h"

namespace harness::fault {

namespace {
using namespace std::chrono_literals;

constexpr auto k_down_timeout = 5s;   // the AMQP port refuses once the listener or beam is gone
constexpr auto k_stop_timeout = 15s;  // beam killed -> launcher exited
constexpr auto k_boot_timeout = 90s;  // a boot is ~5 s; a node with many queues recovers longer
const std::vector<std::string_view> k_keys{"broker", "mode", "down"};
const std::vector<std::string_view> k_modes{"graceful", "kill"};

// How a restart went: `back` is whether the broker is back; `early` when it stopped before the broker was back
// up or down (nothing more to record: no fault.end is due, or it is recorded already).
struct Outcome {
  util::Status back;
  bool early = false;
};

// SIGKILL to beam.smp; the Stack boots it again. `start`/`end` get what was done.
Outcome kill_and_boot(driver::Service* service, stack::Stack& stack, history::History& history,
                      const std::function<bool()>& refused, nlohmann::json& start, nlohmann::json& end,
                      std::chrono::steady_clock::time_point begin, std::chrono::milliseconds down) {
  const std::string& broker = service->scenario_service();
  const auto no_beam = [&] {
    return Outcome{util::Status::infrastructure("broker '" + broker + "' has no running beam.smp to kill"), true};
  };
  if (!service->running()) return no_beam();
  driver::SignalResult killed;
  auto stopped = stack.stop_instance(
      service, "broker-restart (kill)", [&] { killed = service->signal(driver::SignalTarget::k_server, SIGKILL); },
      k_stop_timeout);
  if (!stopped) return {stopped, true};
  if (!killed.delivered) return no_beam();
  start.update({{"signal", "SIGKILL"}, {"pid", killed.processes.front()}, {"amqp", refused() ? "refused" : "open"},
                {"took_ms", ms_since(begin)}});
  history.record(history::EventType::k_fault_start, broker, start);
  hold_down(down, std::chrono::steady_clock::now());  // cancelled: booted anyway, the step ends with it back
  const auto boot = std::chrono::steady_clock::now();
  auto back = stack.start_instance(service, "broker-restart (kill)", k_boot_timeout);
  end["boot_ms"] = ms_since(boot);
  return {back};
}

// stop_app closes the AMQP listener at once but returns ~5.5 s later (it waits for the management statistics to
// stop): fault.start is recorded when the port refuses, not when the command returns.
Outcome stop_and_start_app(driver::Service* service, stack::Stack& stack, history::History& history,
                           std::uint16_t port, const std::function<bool()>& refused, nlohmann::json& start,
                           nlohmann::json& end, std::chrono::steady_clock::time_point begin,
                           std::chrono::milliseconds down) {
  const std::string& broker = service->scenario_service();
  auto stop = std::async(std::launch::async, [service] { return run_ctl(*service, {"stop_app"}); });
  const auto closed =
      poll_until([&] { return stop.wait_for(0s) == std::future_status::ready || port_refuses(port); }, k_ctl_timeout);
  const bool is_down = closed.met && port_refuses(port);
  auto down_since = std::chrono::steady_clock::now();
  if (is_down) {
    start.update({{"command", "rabbitmqctl stop_app"}, {"amqp", "refused"}, {"took_ms", ms_since(begin)}});
    history.record(history::EventType::k_fault_start, broker, start);
  }
  if (auto st = stop.get(); !st) {
    if (is_down)
      history.record(history::EventType::k_fault_end, broker,
                     {{"kind", "broker-restart"}, {"mode", "graceful"}, {"ready", false}, {"error", st.message()},
                      {"downtime_ms", ms_since(begin)}});
    return {st, true};
  }
  if (!is_down) {
    start.update({{"command", "rabbitmqctl stop_app"}, {"amqp", refused() ? "refused" : "open"},
                  {"took_ms", ms_since(begin)}});
    history.record(history::EventType::k_fault_start, broker, start);
    down_since = std::chrono::steady_clock::now();
  }
  end["stop_app_ms"] = ms_since(begin);
  hold_down(down, down_since);  // cancelled: started anyway, the step ends with it back
  const auto boot = std::chrono::steady_clock::now();
  auto back = run_ctl(*service, {"start_app"});
  if (back) back = stack.wait_ready({service->name()}, k_boot_timeout);
  end.update({{"command", "rabbitmqctl start_app"}, {"boot_ms", ms_since(boot)}});
  return {back};
}

util::Expected<std::shared_ptr<Clearer>> apply(const scenario::FaultStep& fault, stack::Stack& stack,
                                               history::History& history) {
  const auto& params = scenario::params_of<BrokerRestartParams>(fault);
  const std::string& mode = params.mode;
  const std::string& broker = fault.service;
  auto service = broker_service(stack, broker);
  if (!service) return service.error();
  const auto amqp_port = util::port_placeholder(stack.placeholders(), broker + ".port");
  if (!amqp_port) return amqp_port.error();
  const std::uint16_t port = *amqp_port;
  const auto refused = [port] { return poll_until([port] { return port_refuses(port); }, k_down_timeout).met; };
  const auto begin = std::chrono::steady_clock::now();
  nlohmann::json start = {{"kind", "broker-restart"}, {"mode", mode}, {"down_ms", params.down.count()}};
  nlohmann::json end = {{"kind", "broker-restart"}, {"mode", mode}};
  const Outcome outcome =
      mode == "kill" ? kill_and_boot(*service, stack, history, refused, start, end, begin, params.down)
                     : stop_and_start_app(*service, stack, history, port, refused, start, end, begin, params.down);
  const util::Status& back = outcome.back;
  if (outcome.early) return back;
  end["ready"] = back.is_ok();
  if (!back) end["error"] = back.message();
  end["downtime_ms"] = ms_since(begin);
  history.record(history::EventType::k_fault_end, broker, end);
  if (!back) return back;
  return std::make_shared<Clearer>(nullptr);
}

std::optional<scenario::FaultStep> read(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                        const std::vector<scenario::Service>* services) {
  const std::string context = "broker-restart fault";
  auto map = scenario::read_map(reader, entry,
                                "'broker-restart' must be a map with 'broker' and optionally 'mode' and 'down'",
                                k_keys, context);
  if (!map) return std::nullopt;
  scenario::FaultStep fault;
  BrokerRestartParams params;
  bool ok = scenario::read_broker(reader, *map, services, context, fault);
  if (const auto* e = map->find("mode")) scenario::assign_or_fail(scenario::read_choice(reader, *e, k_modes), params.mode, ok);
  if (const auto* e = map->find("down"))
    scenario::assign_or_fail(scenario::read_duration(reader, *e, scenario::DurationRule::k_any), params.down, ok);
  if (!ok) return std::nullopt;
  fault.params = std::make_shared<BrokerRestartParams>(params);
  return fault;
}

const bool k_registered = register_fault({.name = "broker-restart",
                                          .keys = k_keys,
                                          .summary = "graceful (stop_app/start_app) or kill (SIGKILL of beam, boot on "
                                                     "the same data); back up when the step ends",
                                          .no_inverse = "it has no inverse: the service is back when the step ends; `down:` sets how long "
                                                        "it stays down",
                                          .read = read},
                                         apply);

}  // namespace

}  // namespace harness::fault
