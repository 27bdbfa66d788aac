// close-connections: {broker}  rabbitmqctl close_all_connections: records how many were closed ("Closed N
// connections"), then the live connection list: reconnected clients (running) and closed ones a client has not
// answered yet (state closed: it has not read connection.close). Not the management API: its connection list
// is a statistics sample, up to ~5 s late, so a fresh connection is neither listed nor closable there. No
// inverse: clients reconnect by themselves.
#include "harness/fault/close_connections.h"

#include <regex>

#include "harness/fault/fault_kind.h"
#include "harness/fault/observe.h"
#include "harness/fault/rabbitmqctl.h"
#include "harness/scenario/fault_reader.h"

namespace harness::fault {

namespace {

// The live list after the close: {after, reconnected, unanswered} of fault.start.
nlohmann::json connections_after(const driver::Service& service) {
  nlohmann::json after = nlohmann::json::array();
  int reconnected = 0;
  int unanswered = 0;
  if (auto listed = service.control({"list_connections", "name", "state", "--formatter", "json", "-q"},
                                    k_ctl_timeout);
      listed && listed->succeeded()) {
    const auto json = nlohmann::json::parse(listed->output, nullptr, /*allow_exceptions=*/false);
    for (const auto& c : connections_in(json)) {
      after.push_back({{"name", c.name}, {"state", c.state}});
      ++(c.state == "closed" || c.state == "closing" ? unanswered : reconnected);
    }
  }
  return {{"after", after}, {"reconnected", reconnected}, {"unanswered", unanswered}};
}

util::Expected<std::shared_ptr<Clearer>> apply(const scenario::FaultStep& fault, stack::Stack& stack,
                                               history::History& history) {
  const std::string& broker = fault.service;
  auto service = broker_service(stack, broker);
  if (!service) return service.error();
  const auto begin = std::chrono::steady_clock::now();
  const std::vector<std::string> close = {"close_all_connections", "--global", "celery-chaos close-connections"};
  auto closed = (*service)->control(close, k_ctl_timeout);
  if (!closed) return closed.error();
  if (!closed->succeeded()) return run_ctl(**service, close);  // the same call again, for its error message
  const auto count = closed_count(closed->output);
  const auto close_ms = ms_since(begin);
  nlohmann::json start = {{"kind", "close-connections"}, {"command", command_text(close)},
                          {"closed", count.value_or(-1)}, {"observed", count.has_value()}};
  start.update(connections_after(**service));
  start.update({{"command_ms", close_ms}, {"took_ms", ms_since(begin)}});
  history.record(history::EventType::k_fault_start, broker, std::move(start));
  // No inverse: the fault is over once the connections are closed (what happens next is the clients' recovery).
  history.record(history::EventType::k_fault_end, broker, {{"kind", "close-connections"}, {"instant", true}});
  return std::make_shared<Clearer>(nullptr);
}

std::optional<scenario::FaultStep> read(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                        const std::vector<scenario::Service>* services) {
  const std::string context = "close-connections fault";
  auto map = scenario::read_map(reader, entry, "'close-connections' must be a map with 'broker'", {"broker"}, context);
  if (!map) return std::nullopt;
  scenario::FaultStep fault;
  if (!scenario::read_broker(reader, *map, services, context, fault)) return std::nullopt;
  return fault;
}

const bool k_registered = register_fault({.name = "close-connections",
                                          .keys = {"broker"},
                                          .summary = "every client connection closed",
                                          .no_inverse = "it has no inverse: clients reconnect by themselves",
                                          .read = read},
                                         apply);

}  // namespace

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

}  // namespace harness::fault
