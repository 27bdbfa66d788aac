// redis-failover: {service, mode}  a redis service with sentinels (replicas: N, sentinels: M) fails over.
//   mode sentinel (default): SENTINEL FAILOVER NAME on the first sentinel that answers (~1.1 s);
//   mode kill: SIGKILL of the current master's server through the driver and the Stack (recorded service.stopped,
//   and left down: the sentinels promote a replica after down_after, + ~1.2 s; measured on Debian 12).
// fault.start when triggered, with the old master (instance, port); fault.end once a majority of the sentinels
// name another port by get-master-addr-by-name (bounded: 60 s), with the new master, failover_ms and the new
// master's INFO replication role. No inverse: a failover is not undone.
#include "harness/fault/redis_failover.h"

#include <signal.h>

#include <map>

#include "harness/fault/fault_kind.h"
#include "harness/fault/observe.h"
#include "harness/fault/redis_access.h"
#include "harness/net/network.h"
#include "harness/scenario/fault_reader.h"
#include "harness/scenario/network.h"

namespace harness::fault {

namespace {
using namespace std::chrono_literals;

constexpr auto k_failover_timeout = 60s;
constexpr auto k_stop_timeout = 30s;
const std::vector<std::string_view> k_keys{"service", "mode"};
const std::vector<std::string_view> k_modes{"sentinel", "kill"};

struct SentinelGroup {
  std::string master_name;
  RedisAddress service;                  // the service's host and password; the port of its initial master
  std::vector<RedisAddress> sentinels;
  std::vector<driver::Service*> redis;   // master and replicas
};

util::Expected<SentinelGroup> sentinel_group(const stack::Stack& stack, const std::string& name) {
  SentinelGroup group;
  const auto& table = stack.placeholders();
  auto it = table.find(name + ".master_name");
  if (it == table.end()) return util::Status::invalid("redis '" + name + "' has no sentinels");
  group.master_name = it->second;
  auto master = address_of(stack, name);
  if (!master) return master.error();
  group.service = *master;
  for (auto* s : stack.instances(name)) {
    if (s->kind() == "redis-sentinel") {
      auto sentinel = address_of(stack, s->name());
      if (!sentinel) return sentinel.error();
      group.sentinels.push_back(*sentinel);
    } else if (s->kind() == "redis") {
      group.redis.push_back(s);
    }
  }
  if (group.sentinels.empty()) return util::Status::invalid("redis '" + name + "' has no sentinels");
  return group;
}

RedisAddress on_port(const SentinelGroup& group, std::uint16_t port) { return {group.service.host, port, group.service.password}; }

// The master port a sentinel names (0 when it does not answer).
std::uint16_t master_port_of(const RedisAddress& sentinel, const std::string& master_name) {
  auto reply = redis_command(sentinel, {"SENTINEL", "get-master-addr-by-name", master_name});
  if (!reply || reply->elements.size() != 2) return 0;
  try {
    return static_cast<std::uint16_t>(std::stoi(reply->elements[1].str));
  } catch (const std::exception&) {
    return 0;
  }
}

// The instance on `port`; the sentinels of a proxied group name the initial master by its peers proxy's port
// (driver/client_routing.h), which stands for the Redis the proxy reaches.
std::string instance_on_port(const stack::Stack& stack, const SentinelGroup& group, std::uint16_t port) {
  if (const net::Network* network = stack.network())
    for (const auto& proxy : network->proxies())
      if (proxy.port == port && proxy.client == proxy.name + std::string(scenario::k_peers_suffix))
        port = proxy.upstream_port;
  for (auto* s : group.redis)
    if (stack.placeholders().at(s->name() + ".port") == std::to_string(port)) return s->name();
  return {};
}

// SIGKILL of the master's server, through the Stack (left down). Adds signal and pid to `start`.
util::Status kill_master(const std::string& service, driver::Service* master, stack::Stack& stack,
                         nlohmann::json& start) {
  if (!master || !master->running())
    return util::Status::infrastructure("the master of redis '" + service + "' is not running");
  driver::SignalResult killed;
  auto stopped = stack.stop_instance(
      master, "redis-failover", [&] { killed = master->signal(driver::SignalTarget::k_server, SIGKILL); },
      k_stop_timeout);
  if (!stopped) return stopped;
  start["signal"] = "SIGKILL";
  if (!killed.processes.empty()) start["pid"] = killed.processes.front();
  return util::Status::ok();
}

// Promoted = a majority of the sentinels name the same other port, and that Redis says role:master.
struct Promotion {
  PollOutcome outcome;
  std::uint16_t new_port = 0;
  std::size_t agreeing = 0;
  Replication seen;
};
Promotion await_promotion(const SentinelGroup& group, std::uint16_t old_port) {
  Promotion p;
  p.outcome = poll_until(
      [&] {
        std::map<std::uint16_t, std::size_t> votes;
        for (const auto& sentinel : group.sentinels)
          if (auto named = master_port_of(sentinel, group.master_name); named != 0 && named != old_port) ++votes[named];
        for (const auto& [port, count] : votes) {
          if (count * 2 > group.sentinels.size()) {
            p.new_port = port;
            p.agreeing = count;
          }
        }
        if (p.new_port == 0) return false;
        p.seen = replication(on_port(group, p.new_port));
        return p.seen.role == "master";
      },
      k_failover_timeout, 50ms);
  return p;
}

util::Expected<std::shared_ptr<Clearer>> apply(const scenario::FaultStep& fault, stack::Stack& stack,
                                               history::History& history) {
  const std::string& mode = scenario::params_of<RedisFailoverParams>(fault).mode;
  auto group = sentinel_group(stack, fault.service);
  if (!group) return group.error();
  std::uint16_t old_port = 0;
  const RedisAddress* asked = nullptr;  // the sentinel that answered first
  for (const auto& sentinel : group->sentinels) {
    if ((old_port = master_port_of(sentinel, group->master_name)) != 0) {
      asked = &sentinel;
      break;
    }
  }
  if (old_port == 0) return util::Status::infrastructure("no sentinel of redis '" + fault.service + "' answers");
  const std::string old_instance = instance_on_port(stack, *group, old_port);
  const auto begin = std::chrono::steady_clock::now();
  nlohmann::json start = {{"kind", "redis-failover"}, {"mode", mode}, {"master_name", group->master_name},
                          {"old_master", {{"instance", old_instance}, {"port", old_port}}}};
  if (mode == "kill") {
    driver::Service* master = nullptr;
    for (auto* s : group->redis)
      if (s->name() == old_instance) master = s;
    if (auto st = kill_master(fault.service, master, stack, start); !st) return st;
  } else {
    auto reply = redis_command(*asked, {"SENTINEL", "FAILOVER", group->master_name});
    if (!reply)
      return util::Status::infrastructure("SENTINEL FAILOVER " + group->master_name + ": " + reply.error().message());
    start["command"] = "SENTINEL FAILOVER " + group->master_name;
    start["sentinel_port"] = asked->port;
  }
  start["took_ms"] = ms_since(begin);
  history.record(history::EventType::k_fault_start, fault.service, std::move(start));

  const Promotion promoted = await_promotion(*group, old_port);
  nlohmann::json end = {
      {"kind", "redis-failover"},
      {"mode", mode},
      {"old_master", {{"instance", old_instance}, {"port", old_port}}},
      {"new_master", {{"instance", instance_on_port(stack, *group, promoted.new_port)}, {"port", promoted.new_port}}},
      {"sentinels_agreeing", promoted.agreeing},
      {"role", promoted.seen.role},
      {"observed", promoted.outcome.met},
      {"failover_ms", ms_since(begin)}};
  if (promoted.outcome.met) {
    if (auto info = redis_command(on_port(*group, promoted.new_port), {"INFO", "replication"}))
      end["connected_slaves"] = datastore::info_field(info->str, "connected_slaves");
  }
  history.record(history::EventType::k_fault_end, fault.service, std::move(end));
  if (!promoted.outcome.met) {
    return util::Status::infrastructure("redis '" + fault.service + "': no replica was promoted within " +
                                        std::to_string(k_failover_timeout.count()) + " s (old master port " +
                                        std::to_string(old_port) + ")");
  }
  return std::make_shared<Clearer>(nullptr);
}

// `{service, mode}`; the service must have sentinels.
std::optional<scenario::FaultStep> read(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                        const std::vector<scenario::Service>* services) {
  const std::string context = "redis-failover fault";
  auto map = scenario::read_map(reader, entry, "'redis-failover' must be a map with 'service' and optionally 'mode'",
                                k_keys, context);
  if (!map) return std::nullopt;
  scenario::FaultStep fault;
  RedisFailoverParams params;
  bool ok = true;
  const scenario::Service* service =
      scenario::read_data_service(reader, *map, services, scenario::ServiceKind::k_redis, context, fault, ok);
  if (service && service->sentinels == 0) {
    reader.error(map->find("service")->location, context + " needs service " + scenario::quote(service->name) +
                                                     " to have sentinels (e.g. replicas: 1, sentinels: 3)");
    ok = false;
  }
  if (const auto* e = map->find("mode")) scenario::assign_or_fail(scenario::read_choice(reader, *e, k_modes), params.mode, ok);
  if (!ok) return std::nullopt;
  fault.params = std::make_shared<RedisFailoverParams>(params);
  return fault;
}

const bool k_registered = register_fault({.name = "redis-failover",
                                          .keys = k_keys,
                                          .summary = "sentinel (SENTINEL FAILOVER) or kill (SIGKILL of the current "
                                                     "master): a replica is promoted",
                                          .no_inverse = "it has no inverse: a failover is not undone",
                                          .read = read},
                                         apply);

}  // namespace

}  // namespace harness::fault
