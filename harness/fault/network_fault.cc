#include "harness/fault/network_fault.h"

#include <atomic>
#include <memory>

#include "harness/scenario/fault_reader.h"

namespace harness::fault {

namespace {

const std::vector<std::string_view> k_directions{"upstream", "downstream", "both"};

std::vector<std::string_view> keys_of(const NetworkFaultKind& kind) {
  std::vector<std::string_view> keys{"service", "direction", "from"};
  for (const auto& attribute : kind.attributes) keys.push_back(attribute.key);
  return keys;
}

// One attribute's value as the toxic takes it (durations in its unit), or nullopt after reporting.
std::optional<nlohmann::json> read_attribute(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                             NetworkAttribute::Type type) {
  using Type = NetworkAttribute::Type;
  if (type == Type::k_bool) {
    if (auto value = scenario::read_bool(reader, entry)) return nlohmann::json(*value);
  } else if (type == Type::k_integer) {
    if (auto value = scenario::read_int(reader, entry, 0)) return nlohmann::json(*value);
  } else if (auto value = scenario::read_duration(reader, entry, scenario::DurationRule::k_any)) {
    const auto ms = value->count();
    return nlohmann::json(type == Type::k_microseconds ? ms * 1000 : ms);
  }
  return std::nullopt;
}

// `service:` any service but the ledger; `from:` an instance of a celery-worker service ("worker.1").
bool read_targets(scenario::YamlReader& reader, const scenario::MapView& map, const scenario::MapEntry& entry,
                  const std::vector<scenario::Service>* services, const std::string& context,
                  scenario::FaultStep& fault, NetworkFaultParams& params) {
  bool ok = true;
  const scenario::MapEntry* service = map.find("service");
  if (service == nullptr) {
    reader.error(entry.location, context + " needs 'service' (the proxied service)");
    return false;
  }
  scenario::assign_or_fail(scenario::read_nonempty_string(reader, *service), fault.service, ok);
  if (ok && services && !scenario::check_target(reader, *services, fault.service, service->location, context))
    ok = false;
  if (const auto* e = map.find("from")) {
    scenario::assign_or_fail(scenario::read_nonempty_string(reader, *e), params.from, ok);
    if (ok && services && !scenario::check_target(reader, *services, params.from, e->location, context)) ok = false;
  }
  return ok;
}

std::optional<scenario::FaultStep> read(const NetworkFaultKind& kind, scenario::YamlReader& reader,
                                        const scenario::MapEntry& entry,
                                        const std::vector<scenario::Service>* services) {
  const std::string context = std::string(kind.name) + " fault";
  if (!entry.value.IsMap()) {
    reader.error(entry.location, "'" + std::string(kind.name) + "' must be a map with 'service'");
    return std::nullopt;
  }
  scenario::MapView map(reader, entry.value);
  map.report_unknown_keys(reader, keys_of(kind), context);
  scenario::FaultStep fault;
  auto params = std::make_shared<NetworkFaultParams>();
  bool ok = read_targets(reader, map, entry, services, context, fault, *params);
  if (const auto* e = map.find("direction")) {
    if (auto value = scenario::read_choice(reader, *e, k_directions))
      params->direction = *net::direction_named(*value);
    else
      ok = false;
  }
  for (const auto& attribute : kind.attributes) {
    const auto* e = map.find(attribute.key);
    if (e == nullptr) {
      if (attribute.required) {
        reader.error(entry.location, context + " needs '" + std::string(attribute.key) + "'");
        ok = false;
      }
      continue;
    }
    if (auto value = read_attribute(reader, *e, attribute.type))
      params->attributes[std::string(attribute.key)] = *value;
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  fault.params = std::move(params);
  return fault;
}

// The open connections of the proxies the selector picks.
std::size_t open_connections(const net::Network& network, const net::ProxySelector& selector) {
  std::size_t open = 0;
  for (const auto& proxy : network.proxies())
    if (proxy.name == selector.name && (selector.client.empty() || proxy.client == selector.client))
      open += proxy.open_connections;
  return open;
}

util::Expected<std::shared_ptr<Clearer>> apply(const NetworkFaultKind& kind, const scenario::FaultStep& fault,
                                               stack::Stack& stack, history::History& history) {
  const auto& params = scenario::params_of<NetworkFaultParams>(fault);
  net::Network* network = stack.network();
  if (network == nullptr)
    return util::Status::invalid("service '" + fault.service + "' is not proxied (no fault proxy in this run)");
  // The proxies are named for the scenario service ("broker"), whichever instance the fault names.
  const net::ProxySelector selector{fault.service.substr(0, fault.service.find('.')), params.from};
  static std::atomic<int> applied{0};  // toxic names unique in the Network, whatever overlaps
  const std::string toxic_name = std::string(kind.name) + "-" + std::to_string(++applied);
  const std::size_t connections = open_connections(*network, selector);
  if (auto st = network->add_toxic(selector, toxic_name, kind.toxic, params.direction, params.attributes); !st)
    return st;
  history.record(history::EventType::k_fault_start, fault.service,
                 {{"kind", std::string(kind.name)},
                  {"toxic", toxic_name},
                  {"direction", std::string(net::name(params.direction))},
                  {"from", params.from.empty() ? "every client" : params.from}, {"attributes", params.attributes},
                  {"connections", connections}});
  return std::make_shared<Clearer>([network, selector, toxic_name, name = std::string(kind.name),
                                    service = fault.service, &history] {
    auto report = network->remove_toxic(selector, toxic_name);
    nlohmann::json data = {{"kind", name}};
    if (report)
      data["report"] = *report;
    else
      data["error"] = report.error().message();
    history.record(history::EventType::k_fault_end, service, std::move(data));
  });
}

}  // namespace

bool register_network_fault(const NetworkFaultKind& kind) {
  static std::vector<std::unique_ptr<NetworkFaultKind>> kinds;  // the registered kinds live for the program
  const NetworkFaultKind* kept = kinds.emplace_back(std::make_unique<NetworkFaultKind>(kind)).get();
  return register_fault(
      {.name = kept->name,
       .keys = keys_of(*kept),
       .summary = kept->summary,
       .read = [kept](scenario::YamlReader& reader, const scenario::MapEntry& entry,
                      const std::vector<scenario::Service>* services) { return read(*kept, reader, entry, services); },
       .network = true},
      [kept](const scenario::FaultStep& fault, stack::Stack& stack, history::History& history) {
        return apply(*kept, fault, stack, history);
      });
}

}  // namespace harness::fault
