#include "harness/fault/datastore_faults.h"

#include <libpq-fe.h>
#include <signal.h>

#include <map>

#include "harness/datastore/redis_client.h"
#include "harness/fault/observe.h"

namespace harness::fault {

namespace {
using namespace std::chrono_literals;

constexpr auto k_connect_timeout = 1s;
constexpr auto k_observe_timeout = 10s;  // role:slave and the replication link up take ~0.15 s
constexpr auto k_down_timeout = 5s;
constexpr auto k_stop_timeout = 30s;     // a fast shutdown with a checkpoint; then SIGTERM/SIGKILL
constexpr auto k_start_timeout = 60s;    // Redis ~0.1 s, PostgreSQL ~0.3 s to answer

util::Expected<driver::Service*> service_of_kind(const stack::Stack& stack, const std::string& name,
                                                 const std::string& kind) {
  for (auto* s : stack.instances(name))
    if (s->kind() == kind) return s;
  return util::Status::invalid("'" + name + "' is not a " + kind + " service of this run");
}

std::uint16_t port_of(const stack::Stack& stack, const std::string& service) {
  return static_cast<std::uint16_t>(std::stoi(stack.placeholders().at(service + ".port")));
}

// --- Redis -------------------------------------------------------------------------------------------------------

struct RedisAddress {
  std::uint16_t port = 0;
  std::string password;
};

util::Expected<RedisAddress> redis_address(const stack::Stack& stack, const std::string& name) {
  auto service = service_of_kind(stack, name, "redis");
  if (!service) return service.error();
  return RedisAddress{port_of(stack, name), stack.placeholders().at(name + ".password")};
}

// One command on a fresh connection; an error reply is a Status too.
util::Expected<datastore::RedisReply> redis_command(const RedisAddress& address, const std::vector<std::string>& argv) {
  auto client = datastore::RedisClient::connect(address.port, address.password, k_connect_timeout);
  if (!client) return client.error();
  auto reply = client->command(argv);
  if (!reply) return reply.error();
  if (reply->type == datastore::RedisReply::Type::k_error) {
    return util::Status::infrastructure("redis " + argv.front() + ": " + reply->str);
  }
  return reply;
}

struct Replication {
  std::string role;         // master | slave
  std::string link_status;  // up | down (replicas only)
};

Replication replication(const RedisAddress& address) {
  auto info = redis_command(address, {"INFO", "replication"});
  if (!info) return {};
  return {datastore::info_field(info->str, "role"), datastore::info_field(info->str, "master_link_status")};
}

util::Expected<std::shared_ptr<Clearer>> redis_readonly(const scenario::FaultStep& fault, stack::Stack& stack,
                                                        history::History& history) {
  auto target = redis_address(stack, fault.service);
  if (!target) return target.error();
  auto master = redis_address(stack, fault.of);
  if (!master) return master.error();
  const auto begin = std::chrono::steady_clock::now();
  // The replica authenticates to its master with masterauth: the other Redis's password, for the duration.
  auto previous = redis_command(*target, {"CONFIG", "GET", "masterauth"});
  if (!previous) return previous.error();
  const std::string old_auth = previous->elements.size() == 2 ? previous->elements[1].str : std::string{};
  if (auto st = redis_command(*target, {"CONFIG", "SET", "masterauth", master->password}); !st) return st.error();

  auto undo = [address = *target, old_auth, service = fault.service, &history] {
    const auto begin = std::chrono::steady_clock::now();
    nlohmann::json data = {{"kind", "redis-readonly"}, {"command", "REPLICAOF NO ONE"}};
    auto promoted = redis_command(address, {"REPLICAOF", "NO", "ONE"});
    auto restored = redis_command(address, {"CONFIG", "SET", "masterauth", old_auth});
    Replication seen;
    const auto master_again = poll_until([&] { return (seen = replication(address)).role == "master"; },
                                         k_observe_timeout);
    data["role"] = seen.role;
    data["cleared"] = promoted && restored && master_again.met;
    if (!promoted) data["error"] = promoted.error().message();
    else if (!restored) data["error"] = restored.error().message();
    data["took_ms"] = ms_since(begin);
    history.record("fault.end", service, std::move(data));
  };

  const std::string master_port = std::to_string(master->port);
  if (auto st = redis_command(*target, {"REPLICAOF", "127.0.0.1", master_port}); !st) {
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
  history.record("fault.start", fault.service,
                 {{"kind", "redis-readonly"}, {"of", fault.of}, {"command", "REPLICAOF 127.0.0.1 " + master_port},
                  {"role", seen.role}, {"master_link_status", seen.link_status}, {"observed", true},
                  {"linked_after_ms", linked.after.count()}, {"took_ms", ms_since(begin)}});
  return std::make_shared<Clearer>(undo);
}

util::Expected<std::shared_ptr<Clearer>> redis_restart(const scenario::FaultStep& fault, stack::Stack& stack,
                                                       history::History& history) {
  auto service = service_of_kind(stack, fault.service, "redis");
  if (!service) return service.error();
  auto address = redis_address(stack, fault.service);
  if (!address) return address.error();
  const auto begin = std::chrono::steady_clock::now();
  if (auto st = stack.stop_instance(*service, "redis-restart", {}, k_stop_timeout); !st) return st;
  const bool refused = poll_until([&] { return port_refuses(address->port); }, k_down_timeout).met;
  history.record("fault.start", fault.service,
                 {{"kind", "redis-restart"}, {"port", refused ? "refused" : "open"}, {"took_ms", ms_since(begin)}});
  const auto boot = std::chrono::steady_clock::now();
  auto started = stack.start_instance(*service, "redis-restart", k_start_timeout);
  std::string ping;
  if (started) {
    if (auto pong = redis_command(*address, {"PING"})) ping = pong->str;
  }
  nlohmann::json end = {{"kind", "redis-restart"}, {"ready", started.is_ok()}, {"ping", ping},
                        {"boot_ms", ms_since(boot)}, {"downtime_ms", ms_since(begin)}};
  if (!started) end["error"] = started.message();
  history.record("fault.end", fault.service, std::move(end));
  if (!started) return started;
  return std::make_shared<Clearer>(nullptr);
}

// --- Redis Sentinel ----------------------------------------------------------------------------------------------

constexpr auto k_failover_timeout = 60s;  // SENTINEL FAILOVER ~1.1 s; kill: down_after + ~1.2 s (measured on Debian 12)

struct SentinelGroup {
  std::string master_name;
  std::string password;
  std::vector<driver::Service*> sentinels;
  std::vector<std::uint16_t> sentinel_ports;
  std::vector<driver::Service*> redis;  // master and replicas
};

util::Expected<SentinelGroup> sentinel_group(const stack::Stack& stack, const std::string& name) {
  SentinelGroup group;
  const auto& table = stack.placeholders();
  auto it = table.find(name + ".master_name");
  if (it == table.end()) return util::Status::invalid("redis '" + name + "' has no sentinels");
  group.master_name = it->second;
  group.password = table.at(name + ".password");
  for (auto* s : stack.instances(name)) {
    if (s->kind() == "redis-sentinel") {
      group.sentinels.push_back(s);
      group.sentinel_ports.push_back(static_cast<std::uint16_t>(std::stoi(table.at(s->name() + ".port"))));
    } else if (s->kind() == "redis") {
      group.redis.push_back(s);
    }
  }
  if (group.sentinels.empty()) return util::Status::invalid("redis '" + name + "' has no sentinels");
  return group;
}

// The master port a sentinel names (0 when it does not answer).
std::uint16_t master_port_of(std::uint16_t sentinel_port, const std::string& master_name) {
  auto reply = redis_command({sentinel_port, ""}, {"SENTINEL", "get-master-addr-by-name", master_name});
  if (!reply || reply->elements.size() != 2) return 0;
  try {
    return static_cast<std::uint16_t>(std::stoi(reply->elements[1].str));
  } catch (const std::exception&) {
    return 0;
  }
}

std::string instance_on_port(const stack::Stack& stack, const SentinelGroup& group, std::uint16_t port) {
  for (auto* s : group.redis) {
    if (stack.placeholders().at(s->name() + ".port") == std::to_string(port)) return s->name();
  }
  return {};
}

util::Expected<std::shared_ptr<Clearer>> redis_failover(const scenario::FaultStep& fault, stack::Stack& stack,
                                                        history::History& history) {
  auto group = sentinel_group(stack, fault.service);
  if (!group) return group.error();
  std::uint16_t old_port = 0;
  std::uint16_t asked = 0;  // the sentinel that answered first
  for (auto port : group->sentinel_ports) {
    if ((old_port = master_port_of(port, group->master_name)) != 0) {
      asked = port;
      break;
    }
  }
  if (old_port == 0) return util::Status::infrastructure("no sentinel of redis '" + fault.service + "' answers");
  const std::string old_instance = instance_on_port(stack, *group, old_port);
  const auto begin = std::chrono::steady_clock::now();
  nlohmann::json start = {{"kind", "redis-failover"}, {"mode", fault.mode}, {"master_name", group->master_name},
                          {"old_master", {{"instance", old_instance}, {"port", old_port}}}};
  if (fault.mode == "kill") {
    driver::Service* master = nullptr;
    for (auto* s : group->redis)
      if (s->name() == old_instance) master = s;
    const auto pid = master ? master->server_pid() : std::nullopt;
    if (!pid) return util::Status::infrastructure("the master of redis '" + fault.service + "' is not running");
    auto stopped = stack.stop_instance(master, "redis-failover", [p = *pid] { ::kill(p, SIGKILL); }, k_stop_timeout);
    if (!stopped) return stopped;
    start["signal"] = "SIGKILL";
    start["pid"] = *pid;
  } else {
    auto reply = redis_command({asked, ""}, {"SENTINEL", "FAILOVER", group->master_name});
    if (!reply) return util::Status::infrastructure("SENTINEL FAILOVER " + group->master_name + ": " +
                                                    reply.error().message());
    start["command"] = "SENTINEL FAILOVER " + group->master_name;
    start["sentinel_port"] = asked;
  }
  start["took_ms"] = ms_since(begin);
  history.record("fault.start", fault.service, std::move(start));

  // Promoted = a majority of the sentinels name the same other port, and that Redis says role:master.
  std::uint16_t new_port = 0;
  std::size_t agreeing = 0;
  Replication seen;
  const auto promoted = poll_until(
      [&] {
        std::map<std::uint16_t, std::size_t> votes;
        for (auto port : group->sentinel_ports)
          if (auto named = master_port_of(port, group->master_name); named != 0 && named != old_port) ++votes[named];
        for (const auto& [port, count] : votes) {
          if (count * 2 > group->sentinel_ports.size()) {
            new_port = port;
            agreeing = count;
          }
        }
        if (new_port == 0) return false;
        seen = replication({new_port, group->password});
        return seen.role == "master";
      },
      k_failover_timeout, 50ms);
  nlohmann::json end = {{"kind", "redis-failover"},
                        {"mode", fault.mode},
                        {"old_master", {{"instance", old_instance}, {"port", old_port}}},
                        {"new_master", {{"instance", instance_on_port(stack, *group, new_port)}, {"port", new_port}}},
                        {"sentinels_agreeing", agreeing},
                        {"role", seen.role},
                        {"observed", promoted.met},
                        {"failover_ms", ms_since(begin)}};
  if (promoted.met) {
    if (auto info = redis_command({new_port, group->password}, {"INFO", "replication"}))
      end["connected_slaves"] = datastore::info_field(info->str, "connected_slaves");
  }
  history.record("fault.end", fault.service, std::move(end));
  if (!promoted.met) {
    return util::Status::infrastructure("redis '" + fault.service + "': no replica was promoted within " +
                                        std::to_string(k_failover_timeout.count()) + " s (old master port " +
                                        std::to_string(old_port) + ")");
  }
  return std::make_shared<Clearer>(nullptr);
}

// --- PostgreSQL --------------------------------------------------------------------------------------------------

using PgConnection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

util::Expected<PgConnection> pg_connect(const std::string& conninfo) {
  PgConnection conn(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) return util::Status::infrastructure(trimmed(PQerrorMessage(conn.get())));
  return conn;
}

// A statement with at most one text parameter; its first value (empty for a command).
util::Expected<std::string> pg_exec(PGconn* conn, const std::string& sql, const std::string* param = nullptr) {
  const char* values[1] = {param ? param->c_str() : nullptr};
  PgResult result(PQexecParams(conn, sql.c_str(), param ? 1 : 0, nullptr, values, nullptr, nullptr, 0), &PQclear);
  const auto status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK) return std::string{};
  if (status == PGRES_TUPLES_OK) {
    return PQntuples(result.get()) > 0 ? std::string(PQgetvalue(result.get(), 0, 0)) : std::string{};
  }
  return util::Status::infrastructure(trimmed(PQerrorMessage(conn)));
}

const char* ping_label(PGPing ping) {
  switch (ping) {
    case PQPING_OK: return "ok";
    case PQPING_REJECT: return "rejecting";
    case PQPING_NO_RESPONSE: return "no response";
    case PQPING_NO_ATTEMPT: return "no attempt";
  }
  return "?";
}

// How clients (Celery's SQLAlchemy) reach it: TCP on 127.0.0.1.
std::string tcp_conninfo(std::uint16_t port) {
  return "host=127.0.0.1 port=" + std::to_string(port) + " dbname=postgres connect_timeout=2";
}

util::Expected<std::shared_ptr<Clearer>> postgres_down(const scenario::FaultStep& fault, stack::Stack& stack,
                                                       history::History& history) {
  auto service = service_of_kind(stack, fault.service, "postgres");
  if (!service) return service.error();
  const auto postmaster = (*service)->server_pid();
  if (!postmaster) return util::Status::infrastructure("postgres '" + fault.service + "' is not running");
  const std::string conninfo = tcp_conninfo(port_of(stack, fault.service));
  const auto begin = std::chrono::steady_clock::now();
  // SIGINT: "fast" shutdown (sessions are disconnected); SIGTERM ("smart") would wait for Celery's pooled
  // connections to go away by themselves.
  auto stopped = stack.stop_instance(*service, "postgres-down", [pid = *postmaster] { ::kill(pid, SIGINT); },
                                     k_stop_timeout);
  if (!stopped) return stopped;
  PGPing ping = PQPING_OK;
  poll_until([&] { return (ping = PQping(conninfo.c_str())) == PQPING_NO_RESPONSE; }, k_down_timeout);
  std::string error;
  if (auto conn = pg_connect(conninfo); !conn) error = conn.error().message();
  history.record("fault.start", fault.service,
                 {{"kind", "postgres-down"}, {"signal", "SIGINT"}, {"pid", *postmaster}, {"ping", ping_label(ping)},
                  {"error", error}, {"observed", ping == PQPING_NO_RESPONSE}, {"took_ms", ms_since(begin)}});
  driver::Service* target = *service;
  const std::string name = fault.service;
  return std::make_shared<Clearer>([target, name, conninfo, begin, &stack, &history] {
    const auto clear_begin = std::chrono::steady_clock::now();
    auto started = stack.start_instance(target, "postgres-down cleared", k_start_timeout);
    const PGPing ping = PQping(conninfo.c_str());
    nlohmann::json data = {{"kind", "postgres-down"}, {"ready", started.is_ok()}, {"ping", ping_label(ping)},
                           {"cleared", started.is_ok() && ping == PQPING_OK}, {"took_ms", ms_since(clear_begin)},
                           {"downtime_ms", ms_since(begin)}};
    if (!started) data["error"] = started.message();
    history.record("fault.end", name, std::move(data));
  });
}

util::Expected<std::shared_ptr<Clearer>> drop_database(const scenario::FaultStep& fault, stack::Stack& stack,
                                                       history::History& history) {
  auto service = service_of_kind(stack, fault.service, "postgres");
  if (!service) return service.error();
  const std::string conninfo = (*service)->admin_conninfo("postgres");
  if (conninfo.empty()) return util::Status::infrastructure("no administrator access to '" + fault.service + "'");
  const auto& placeholders = stack.placeholders();
  const std::string database = fault.database.empty() ? placeholders.at(fault.service + ".database") : fault.database;
  const std::string owner = placeholders.at(fault.service + ".user");
  const auto begin = std::chrono::steady_clock::now();
  auto conn = pg_connect(conninfo);
  if (!conn) return conn.error();
  auto sessions = pg_exec(conn->get(), "SELECT count(*) FROM pg_stat_activity WHERE datname = $1", &database);
  if (!sessions) return sessions.error();
  if (auto dropped = pg_exec(conn->get(), drop_database_sql(database)); !dropped) {
    return util::Status::infrastructure("DROP DATABASE " + quote_identifier(database) + ": " + dropped.error().message());
  }
  auto left = pg_exec(conn->get(), "SELECT count(*) FROM pg_database WHERE datname = $1", &database);
  if (!left) return left.error();
  history.record("fault.start", fault.service,
                 {{"kind", "drop-database"}, {"database", database}, {"sessions_terminated", std::stoi(*sessions)},
                  {"exists", *left != "0"}, {"observed", *left == "0"}, {"took_ms", ms_since(begin)}});
  const std::string name = fault.service;
  return std::make_shared<Clearer>([conninfo, database, owner, name, &history] {
    const auto begin = std::chrono::steady_clock::now();
    nlohmann::json data = {{"kind", "drop-database"}, {"database", database}, {"owner", owner},
                           {"recreated", "empty"}};
    util::Status st;
    std::string exists;
    if (auto conn = pg_connect(conninfo); !conn) {
      st = conn.error();
    } else if (auto created = pg_exec(conn->get(), create_database_sql(database, owner)); !created) {
      st = created.error();
    } else if (auto found = pg_exec(conn->get(), "SELECT count(*) FROM pg_database WHERE datname = $1", &database)) {
      exists = *found;
    } else {
      st = found.error();
    }
    data["exists"] = exists == "1";
    data["cleared"] = st.is_ok() && exists == "1";
    if (!st) data["error"] = st.message();
    data["took_ms"] = ms_since(begin);
    history.record("fault.end", name, std::move(data));
  });
}
}  // namespace

bool is_datastore_fault(const std::string& kind) {
  return kind == "redis-readonly" || kind == "redis-restart" || kind == "redis-failover" || kind == "postgres-down" ||
         kind == "drop-database";
}

util::Expected<std::shared_ptr<Clearer>> apply_datastore_fault(const scenario::FaultStep& fault, stack::Stack& stack,
                                                               history::History& history) {
  if (fault.kind == "redis-readonly") return redis_readonly(fault, stack, history);
  if (fault.kind == "redis-restart") return redis_restart(fault, stack, history);
  if (fault.kind == "redis-failover") return redis_failover(fault, stack, history);
  if (fault.kind == "postgres-down") return postgres_down(fault, stack, history);
  return drop_database(fault, stack, history);
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string drop_database_sql(const std::string& database) {
  return "DROP DATABASE " + quote_identifier(database) + " WITH (FORCE)";
}

std::string create_database_sql(const std::string& database, const std::string& owner) {
  return "CREATE DATABASE " + quote_identifier(database) + " OWNER " + quote_identifier(owner);
}

}  // namespace harness::fault
