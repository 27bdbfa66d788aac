// partition: {between: [CLIENTS...], and: [SERVICES...]}  the blackhole toxic (net/blackhole_toxic.cc), both ways,
// on every fault proxy between those clients (celery-worker services or instances: "worker", "worker.1") and those
// services: the clients are cut off from the services, and only from them; their connections stay open, data
// stops (no RST), held bytes go on when the partition heals. Either list may come first. Connections between two
// services do not go through the fault proxy, except a proxied Redis group's: its replicas and sentinels reach its
// master through the peers proxy (client `NAME.peers`, driver/client_routing.h), which a partition may cut like a
// client: `{between: [cache], and: [cache.peers]}` isolates the master from its sentinels and replicas, and from the
// sentinel-aware clients they sent there (a split brain). Other service pairs: the loader says no. fault.start {kind, between, and, cut: ["worker.1 -> broker", ...], clients:
// the instances cut, connections}; fault.end {kind, report: {"worker.1 -> broker": the toxic's report, ...}}.
#include <algorithm>
#include <atomic>
#include <memory>
#include <set>

#include "harness/fault/fault_kind.h"
#include "harness/scenario/fault_reader.h"
#include "harness/scenario/network.h"
#include "harness/stack/stack.h"

namespace harness::fault {
namespace {

struct PartitionParams : scenario::KindParams {
  std::vector<std::string> clients;   // celery-worker services or instances
  std::vector<std::string> services;  // the services they are cut from
};

std::string service_of(const std::string& name) { return name.substr(0, name.find('.')); }

bool is_client(const std::vector<scenario::Service>& services, const std::string& name) {
  if (scenario::is_peers_name(services, name)) return true;
  return std::any_of(services.begin(), services.end(), [&](const scenario::Service& service) {
    return service.name == service_of(name) && service.kind == scenario::ServiceKind::k_celery_worker;
  });
}

// One side's names, each a known target; nullopt after reporting.
std::optional<std::vector<std::string>> read_side(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                                  const std::vector<scenario::Service>* services) {
  auto names = scenario::read_string_list(reader, entry);
  if (!names) return std::nullopt;
  if (names->empty()) {
    reader.error(entry.location, "'" + entry.key + "' of a partition must name at least one service or instance");
    return std::nullopt;
  }
  bool ok = true;
  for (const auto& name : *names)
    if (services && !scenario::is_peers_name(*services, name) &&
        !scenario::check_target(reader, *services, name, entry.location, "partition fault"))
      ok = false;
  if (!ok) return std::nullopt;
  return names;
}

// Puts the clients' side in params.clients: one side must be all clients, the other all services.
bool assign_sides(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                  const std::vector<scenario::Service>& services, std::vector<std::string> between,
                  std::vector<std::string> and_, PartitionParams& params) {
  auto all_clients = [&](const std::vector<std::string>& side) {
    return std::all_of(side.begin(), side.end(), [&](const auto& name) { return is_client(services, name); });
  };
  auto no_client = [&](const std::vector<std::string>& side) {
    return std::none_of(side.begin(), side.end(), [&](const auto& name) { return is_client(services, name); });
  };
  if (all_clients(between) && no_client(and_)) {
    params.clients = std::move(between);
    params.services = std::move(and_);
  } else if (all_clients(and_) && no_client(between)) {
    params.clients = std::move(and_);
    params.services = std::move(between);
  } else {
    reader.error(entry.location,
                 "a partition cuts clients (celery-worker services or instances, or NAME.peers: the replicas and "
                 "sentinels of redis service NAME) from services: one of 'between' and 'and' must hold only those, "
                 "the other none (connections between other services do not go through the fault proxy)");
    return false;
  }
  return true;
}

std::optional<scenario::FaultStep> read(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                        const std::vector<scenario::Service>* services) {
  if (!entry.value.IsMap()) {
    reader.error(entry.location, "'partition' must be a map with 'between' and 'and'");
    return std::nullopt;
  }
  scenario::MapView map(reader, entry.value);
  map.report_unknown_keys(reader, {"between", "and"}, "partition fault");
  const auto* between_entry = map.require(reader, "between", "partition fault");
  const auto* and_entry = map.require(reader, "and", "partition fault");
  if (!between_entry || !and_entry) return std::nullopt;
  auto between = read_side(reader, *between_entry, services);
  auto and_ = read_side(reader, *and_entry, services);
  if (!between || !and_) return std::nullopt;
  auto params = std::make_shared<PartitionParams>();
  if (services == nullptr) {  // targets unknown: taken as written
    params->clients = std::move(*between);
    params->services = std::move(*and_);
  } else if (!assign_sides(reader, entry, *services, std::move(*between), std::move(*and_), *params)) {
    return std::nullopt;
  }
  scenario::FaultStep fault;
  fault.service = params->services.front();  // for the History's events
  fault.params = std::move(params);
  return fault;
}

bool named_in(const std::string& name, const std::vector<std::string>& names) {
  return std::any_of(names.begin(), names.end(),
                     [&](const auto& n) { return n == name || n == service_of(name); });
}

nlohmann::json path_name(const net::ProxyInfo& proxy) { return proxy.client + " -> " + proxy.name; }

util::Expected<std::shared_ptr<Clearer>> apply(const scenario::FaultStep& fault, stack::Stack& stack,
                                               history::History& history) {
  const auto& params = scenario::params_of<PartitionParams>(fault);
  net::Network* network = stack.network();
  if (network == nullptr) return util::Status::invalid("partition: no fault proxy in this run");
  std::vector<net::ProxyInfo> cut;
  std::size_t connections = 0;
  for (const auto& proxy : network->proxies()) {
    if (!named_in(proxy.name, params.services) || !named_in(proxy.client, params.clients)) continue;
    cut.push_back(proxy);
    connections += proxy.open_connections;
  }
  if (cut.empty()) return util::Status::invalid("partition: no client of those services has started");
  static std::atomic<int> applied{0};
  const std::string toxic = "partition-" + std::to_string(++applied);
  nlohmann::json paths = nlohmann::json::array();
  std::set<std::string> clients;
  for (const auto& proxy : cut) {
    if (auto st = network->add_toxic({proxy.name, proxy.client}, toxic, "blackhole", net::Direction::k_both); !st)
      return st;
    paths.push_back(path_name(proxy));
    clients.insert(proxy.client);
  }
  // `clients`: the instances cut, which the reconnect check expects to reconnect.
  history.record(history::EventType::k_fault_start, fault.service,
                 {{"kind", "partition"}, {"between", params.clients}, {"and", params.services}, {"cut", paths},
                  {"clients", clients}, {"connections", connections}});
  return std::make_shared<Clearer>([network, cut, toxic, service = fault.service, &history] {
    nlohmann::json data = {{"kind", "partition"}, {"report", nlohmann::json::object()}};
    for (const auto& proxy : cut) {
      auto report = network->remove_toxic({proxy.name, proxy.client}, toxic);
      data["report"][path_name(proxy).get<std::string>()] =
          report ? *report : nlohmann::json{{"error", report.error().message()}};
    }
    history.record(history::EventType::k_fault_end, service, std::move(data));
  });
}

const bool k_registered = register_fault(
    {.name = "partition",
     .keys = {"between", "and"},
     .summary = "clients (celery-worker services or instances, or NAME.peers: a Redis group's replicas and "
                "sentinels) cut off from services: a blackhole both ways on the proxies between them; connections "
                "stay open, held bytes go on when it heals",
     .read = read,
     .network = true,
     .proxied_targets = [](const scenario::FaultStep& fault) {
       return scenario::params_of<PartitionParams>(fault).services;
     }},
    apply);

}  // namespace
}  // namespace harness::fault
