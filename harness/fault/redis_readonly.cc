// redis-readonly: {service, of}  CONFIG SET masterauth (the other's password) and REPLICAOF HOST PORT of the
// other Redis: the service becomes a read-only replica (a full sync replaces its data with the other's; a client
// writing to it gets READONLY). Observed: INFO replication role:slave, and master_link_status (the link is up
// ~0.15 s later). Cleared: REPLICAOF NO ONE and the masterauth it had; role:master.
#include "harness/fault/redis_readonly.h"

#include "harness/fault/fault_kind.h"
#include "harness/fault/observe.h"
#include "harness/fault/redis_access.h"
#include "harness/scenario/fault_reader.h"
#include "harness/scenario/service_reader.h"

namespace harness::fault {

namespace {
using namespace std::chrono_literals;

constexpr auto k_observe_timeout = 10s;
const std::vector<std::string_view> k_keys{"service", "of"};

// The inverse: a master again, with the masterauth it had; fault.end {kind, command, role, cleared, took_ms}.
void promote(const RedisAddress& address, const std::string& old_auth, const std::string& service,
             history::History& history) {
  const auto begin = std::chrono::steady_clock::now();
  nlohmann::json data = {{"kind", "redis-readonly"}, {"command", "REPLICAOF NO ONE"}};
  auto promoted = redis_command(address, {"REPLICAOF", "NO", "ONE"});
  auto restored = redis_command(address, {"CONFIG", "SET", "masterauth", old_auth});
  Replication seen;
  const auto master_again =
      poll_until([&] { return (seen = replication(address)).role == "master"; }, k_observe_timeout);
  data["role"] = seen.role;
  data["cleared"] = promoted && restored && master_again.met;
  if (!promoted)
    data["error"] = promoted.error().message();
  else if (!restored)
    data["error"] = restored.error().message();
  data["took_ms"] = ms_since(begin);
  history.record(history::EventType::k_fault_end, service, std::move(data));
}

util::Expected<std::shared_ptr<Clearer>> apply(const scenario::FaultStep& fault, stack::Stack& stack,
                                               history::History& history) {
  const std::string& of = scenario::params_of<RedisReadonlyParams>(fault).of;
  auto target = redis_address(stack, fault.service);
  if (!target) return target.error();
  auto master = redis_address(stack, of);
  if (!master) return master.error();
  const auto begin = std::chrono::steady_clock::now();
  // The replica authenticates to its master with masterauth: the other Redis's password, for the duration.
  auto previous = redis_command(*target, {"CONFIG", "GET", "masterauth"});
  if (!previous) return previous.error();
  const std::string old_auth = previous->elements.size() == 2 ? previous->elements[1].str : std::string{};
  if (auto st = redis_command(*target, {"CONFIG", "SET", "masterauth", master->password}); !st) return st.error();
  auto undo = [address = *target, old_auth, service = fault.service, &history] {
    promote(address, old_auth, service, history);
  };

  const std::string master_port = std::to_string(master->port);
  if (auto st = redis_command(*target, {"REPLICAOF", master->host, master_port}); !st) {
    undo();
    return st.error();
  }
  Replication seen;
  const auto linked = poll_until(
      [&] {
        seen = replication(*target);
        return seen.role == "slave" && seen.link_status == "up";
      },
      k_observe_timeout);
  if (seen.role != "slave") {
    undo();
    return util::Status::infrastructure("redis '" + fault.service + "' did not become a replica (INFO replication "
                                        "role:" + seen.role + ")");
  }
  history.record(history::EventType::k_fault_start, fault.service,
                 {{"kind", "redis-readonly"}, {"of", of}, {"command", "REPLICAOF " + master->host + " " + master_port},
                  {"role", seen.role}, {"master_link_status", seen.link_status}, {"observed", true},
                  {"linked_after_ms", linked.after.count()}, {"took_ms", ms_since(begin)}});
  return std::make_shared<Clearer>(undo);
}

// `of`: another redis service, not the ledger. False after reporting.
bool read_of(scenario::YamlReader& reader, const scenario::MapEntry& e, const std::vector<scenario::Service>* services,
             const std::string& self, std::string& of) {
  using scenario::quote;
  auto name = scenario::read_nonempty_string(reader, e);
  if (!name) return false;
  of = *name;
  const std::string context = "redis-readonly fault";
  const std::string must = "'of' of " + context + " must be another redis service, got " + quote(*name);
  const scenario::Service* other = services ? scenario::resolve_service(reader, *services, *name, e.location, context)
                                            : nullptr;
  if (services && !other) return false;
  if (other && other->kind != scenario::ServiceKind::k_redis) {
    reader.error(e.location, must + " (a " + std::string(scenario::to_string(other->kind)) + " service)");
    return false;
  }
  if (other && other->role == "ledger") {
    reader.error(e.location, must + " (the harness's own record, role 'ledger', is never faulted)");
    return false;
  }
  if (*name == self) {
    reader.error(e.location, must + " (the service itself)");
    return false;
  }
  return true;
}

std::optional<scenario::FaultStep> read(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                        const std::vector<scenario::Service>* services) {
  const std::string context = "redis-readonly fault";
  auto map = scenario::read_map(reader, entry, "'redis-readonly' must be a map with 'service' and 'of'", k_keys,
                                context);
  if (!map) return std::nullopt;
  scenario::FaultStep fault;
  RedisReadonlyParams params;
  bool ok = true;
  scenario::read_data_service(reader, *map, services, scenario::ServiceKind::k_redis, context, fault, ok);
  const scenario::MapEntry* e = map->require(reader, "of", context);
  if (!e || !read_of(reader, *e, services, fault.service, params.of)) ok = false;
  if (!ok) return std::nullopt;
  fault.params = std::make_shared<RedisReadonlyParams>(params);
  return fault;
}

const bool k_registered = register_fault({.name = "redis-readonly",
                                          .keys = k_keys,
                                          .summary = "REPLICAOF the other Redis; cleared by REPLICAOF NO ONE",
                                          .read = read},
                                         apply);

}  // namespace

}  // namespace harness::fault
