#include "harness/fault/broker_faults.h"

#include <signal.h>

#include <algorithm>
#include <future>
#include <regex>

#include "harness/datastore/rabbitmq_management.h"
#include "harness/fault/observe.h"

namespace harness::fault {

namespace {
using namespace std::chrono_literals;

constexpr auto k_ctl_timeout = 2min;        // stop_app alone takes ~5.5 s
constexpr auto k_observe_timeout = 10s;     // an alarm is listed ~5 ms after rabbitmqctl returns
constexpr auto k_down_timeout = 5s;         // the AMQP port refuses once the listener or beam is gone
constexpr auto k_stop_timeout = 15s;        // beam killed -> launcher exited
constexpr auto k_boot_timeout = 90s;        // a boot is ~5 s; a node with many queues recovers longer
constexpr auto k_http_interval = 50ms;

constexpr const char* k_default_disk_free_limit = "50MB";  // RabbitMQ's default; the harness sets no other
constexpr const char* k_default_watermark = "0.4";         // RabbitMQ's default vm_memory_high_watermark

struct Alarm {
  const char* kind;
  const char* resource;  // as GET /api/health/checks/alarms names it
};
const Alarm k_disk{"disk-alarm", "disk space"};
const Alarm k_memory{"memory-alarm", "memory"};

std::string command_text(const std::vector<std::string>& args) {
  std::string text = "rabbitmqctl";
  for (const auto& a : args) text += " " + a;
  return text;
}

util::Expected<driver::Service*> broker_service(const stack::Stack& stack, const std::string& broker) {
  for (auto* s : stack.instances(broker))
    if (s->kind() == "rabbitmq") return s;
  return util::Status::invalid("'" + broker + "' is not a rabbitmq service of this run");
}

// rabbitmqctl ARGS; a failure (exit code, timeout) is k_infrastructure with the tool's output.
util::Status run_ctl(const driver::Service& service, const std::vector<std::string>& args) {
  auto result = service.control(args, k_ctl_timeout);
  if (!result) return result.error();
  if (result->succeeded()) return util::Status::ok();
  std::string output = result->output.size() > 500 ? result->output.substr(result->output.size() - 500) : result->output;
  return util::Status::infrastructure(command_text(args) + " failed (" +
                                      (result->status ? result->status->describe() : std::string("timed out")) +
                                      "): " + output);
}

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
    const auto begin = std::chrono::steady_clock::now();
    nlohmann::json data = {{"kind", alarm.kind}, {"command", command_text(clear)}};
    std::vector<std::string> alarms;
    if (auto st = run_ctl(*service, clear); !st) {
      data["cleared"] = false;
      data["error"] = st.message();
    } else {
      const auto gone = await_alarm(api, alarm.resource, /*present=*/false, alarms);
      data["cleared"] = gone.met;
      data["observed_after_ms"] = gone.after.count();
    }
    data["alarms"] = alarms;
    data["took_ms"] = ms_since(begin);
    history.record("fault.end", broker, std::move(data));
  };

  const auto begin = std::chrono::steady_clock::now();
  if (auto st = run_ctl(**service, raise); !st) return st;
  const auto command_ms = ms_since(begin);
  std::vector<std::string> alarms;
  const auto seen = await_alarm(*api, alarm.resource, /*present=*/true, alarms);
  if (!seen.met) {
    undo();
    return util::Status::infrastructure("the '" + std::string(alarm.resource) + "' alarm was not listed by " +
                                        datastore::k_alarms_check + " within " + std::to_string(k_observe_timeout.count()) +
                                        " s after " + command_text(raise));
  }
  history.record("fault.start", broker,
                 {{"kind", alarm.kind}, {"command", command_text(raise)}, {"alarms", alarms}, {"observed", true},
                  {"command_ms", command_ms}, {"observed_after_ms", seen.after.count()}, {"took_ms", ms_since(begin)}});
  return std::make_shared<Clearer>(undo);
}

util::Expected<std::shared_ptr<Clearer>> close_connections(const std::string& broker, stack::Stack& stack,
                                                           history::History& history) {
  auto service = broker_service(stack, broker);
  if (!service) return service.error();
  const auto begin = std::chrono::steady_clock::now();
  const std::vector<std::string> close = {"close_all_connections", "--global", "celery-chaos close-connections"};
  auto closed = (*service)->control(close, k_ctl_timeout);
  if (!closed) return closed.error();
  if (!closed->succeeded()) return run_ctl(**service, close);  // the same call again, for its error message
  const auto count = closed_count(closed->output);
  const auto close_ms = ms_since(begin);
  // Observed after: the live list (reconnected clients, and closed connections a client has not answered).
  nlohmann::json after = nlohmann::json::array();
  int reconnected = 0;
  int unanswered = 0;
  if (auto listed = (*service)->control({"list_connections", "name", "state", "--formatter", "json", "-q"},
                                        k_ctl_timeout);
      listed && listed->succeeded()) {
    const auto json = nlohmann::json::parse(listed->output, nullptr, /*allow_exceptions=*/false);
    for (const auto& c : connections_in(json)) {
      after.push_back({{"name", c.name}, {"state", c.state}});
      ++(c.state == "closed" || c.state == "closing" ? unanswered : reconnected);
    }
  }
  history.record("fault.start", broker,
                 {{"kind", "close-connections"}, {"command", command_text(close)}, {"closed", count.value_or(-1)},
                  {"observed", count.has_value()}, {"after", after}, {"reconnected", reconnected},
                  {"unanswered", unanswered}, {"command_ms", close_ms}, {"took_ms", ms_since(begin)}});
  // No inverse: the fault is over once the connections are closed (what happens next is the clients' recovery).
  history.record("fault.end", broker, {{"kind", "close-connections"}, {"instant", true}});
  return std::make_shared<Clearer>(nullptr);
}

util::Expected<std::shared_ptr<Clearer>> restart_broker(const std::string& broker, const std::string& mode,
                                                        stack::Stack& stack, history::History& history) {
  auto service = broker_service(stack, broker);
  if (!service) return service.error();
  const auto& placeholders = stack.placeholders();
  const auto port = static_cast<std::uint16_t>(std::stoi(placeholders.at(broker + ".port")));
  const auto refused = [port] { return poll_until([port] { return port_refuses(port); }, k_down_timeout).met; };
  const auto begin = std::chrono::steady_clock::now();
  nlohmann::json start = {{"kind", "broker-restart"}, {"mode", mode}};
  nlohmann::json end = start;
  util::Status back;
  if (mode == "kill") {
    const auto beam = (*service)->server_pid();
    if (!beam) return util::Status::infrastructure("broker '" + broker + "' has no running beam.smp to kill");
    auto stopped = stack.stop_instance(*service, "broker-restart (kill)", [pid = *beam] { ::kill(pid, SIGKILL); },
                                       k_stop_timeout);
    if (!stopped) return stopped;
    start.update({{"signal", "SIGKILL"}, {"pid", *beam}, {"amqp", refused() ? "refused" : "open"},
                  {"took_ms", ms_since(begin)}});
    history.record("fault.start", broker, start);
    const auto boot = std::chrono::steady_clock::now();
    back = stack.start_instance(*service, "broker-restart (kill)", k_boot_timeout);
    end["boot_ms"] = ms_since(boot);
  } else {
    // stop_app closes the AMQP listener at once but returns ~5.5 s later (it waits for the management
    // statistics to stop): fault.start is recorded when the port refuses, not when the command returns.
    auto stop = std::async(std::launch::async, [svc = *service] { return run_ctl(*svc, {"stop_app"}); });
    const auto down = poll_until(
        [&] { return stop.wait_for(0s) == std::future_status::ready || port_refuses(port); }, k_ctl_timeout);
    const bool is_down = down.met && port_refuses(port);
    if (is_down) {
      start.update({{"command", "rabbitmqctl stop_app"}, {"amqp", "refused"}, {"took_ms", ms_since(begin)}});
      history.record("fault.start", broker, start);
    }
    if (auto st = stop.get(); !st) {
      if (is_down) history.record("fault.end", broker, {{"kind", "broker-restart"}, {"mode", mode}, {"ready", false},
                                                        {"error", st.message()}, {"downtime_ms", ms_since(begin)}});
      return st;
    }
    if (!is_down) {
      start.update({{"command", "rabbitmqctl stop_app"}, {"amqp", refused() ? "refused" : "open"},
                    {"took_ms", ms_since(begin)}});
      history.record("fault.start", broker, start);
    }
    end["stop_app_ms"] = ms_since(begin);
    const auto boot = std::chrono::steady_clock::now();
    back = run_ctl(**service, {"start_app"});
    if (back) back = stack.wait_ready({(*service)->name()}, k_boot_timeout);
    end.update({{"command", "rabbitmqctl start_app"}, {"boot_ms", ms_since(boot)}});
  }
  end["ready"] = back.is_ok();
  if (!back) end["error"] = back.message();
  end["downtime_ms"] = ms_since(begin);
  history.record("fault.end", broker, end);
  if (!back) return back;
  return std::make_shared<Clearer>(nullptr);
}
}  // namespace

bool is_broker_fault(const std::string& kind) {
  return kind == "disk-alarm" || kind == "memory-alarm" || kind == "close-connections" || kind == "broker-restart";
}

util::Expected<std::shared_ptr<Clearer>> apply_broker_fault(const scenario::FaultStep& fault, stack::Stack& stack,
                                                            history::History& history) {
  if (fault.kind == k_disk.kind) return apply_alarm(k_disk, fault.service, stack, history);
  if (fault.kind == k_memory.kind) return apply_alarm(k_memory, fault.service, stack, history);
  if (fault.kind == "close-connections") return close_connections(fault.service, stack, history);
  return restart_broker(fault.service, fault.mode, stack, history);
}

std::vector<ConnectionState> connections_in(const nlohmann::json& list) {
  std::vector<ConnectionState> connections;
  if (!list.is_array()) return connections;
  for (const auto& c : list) {
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) continue;
    const auto state = c.find("state");
    connections.push_back({c["name"].get<std::string>(),
                           state != c.end() && state->is_string() ? state->get<std::string>() : std::string{}});
  }
  return connections;
}

std::optional<int> closed_count(const std::string& output) {
  static const std::regex k_closed(R"(Closed ([0-9]+) connections?)");
  std::smatch match;
  if (!std::regex_search(output, match, k_closed) || match[1].length() > 9) return std::nullopt;
  return std::stoi(match[1]);
}

std::string disk_limit_for_alarm(std::optional<std::int64_t> disk_free_bytes) {
  constexpr std::int64_t k_half_limit = 500'000'000'000;  // 1000GB / 2
  if (disk_free_bytes && *disk_free_bytes >= k_half_limit) return std::to_string(*disk_free_bytes * 2);
  return "1000GB";
}

}  // namespace harness::fault
