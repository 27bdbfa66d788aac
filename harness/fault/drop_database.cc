// drop-database: {service, database}  DROP DATABASE ... WITH (FORCE) as the superuser (its sessions are
// terminated, and counted); observed: gone from pg_database. There is no inverse that brings the data back:
// clearing re-creates it EMPTY, owned by the service's user (Celery's result tables are gone; SQLAlchemy creates
// them again only in a process that has not done so yet).
#include "harness/fault/drop_database.h"

#include "harness/datastore/postgres_client.h"
#include "harness/fault/fault_kind.h"
#include "harness/fault/observe.h"
#include "harness/scenario/fault_reader.h"

namespace harness::fault {

using datastore::quote_identifier;

std::string drop_database_sql(const std::string& database) {
  return "DROP DATABASE " + quote_identifier(database) + " WITH (FORCE)";
}

std::string create_database_sql(const std::string& database, const std::string& owner) {
  return "CREATE DATABASE " + quote_identifier(database) + " OWNER " + quote_identifier(owner);
}

namespace {

constexpr const char* k_exists_sql = "SELECT count(*) FROM pg_database WHERE datname = $1";
const std::vector<std::string_view> k_keys{"service", "database"};

// The inverse: re-created empty; fault.end {kind, database, owner, recreated, exists, cleared, took_ms}.
void recreate(const std::string& conninfo, const std::string& database, const std::string& owner,
              const std::string& name, history::History& history) {
  const auto begin = std::chrono::steady_clock::now();
  nlohmann::json data = {{"kind", "drop-database"}, {"database", database}, {"owner", owner}, {"recreated", "empty"}};
  util::Status st;
  std::string exists;
  if (auto conn = datastore::PostgresClient::connect(conninfo); !conn) {
    st = conn.error();
  } else if (auto created = conn->query(create_database_sql(database, owner)); !created) {
    st = created.error();
  } else if (auto found = conn->query(k_exists_sql, &database)) {
    exists = *found;
  } else {
    st = found.error();
  }
  data["exists"] = exists == "1";
  data["cleared"] = st.is_ok() && exists == "1";
  if (!st) data["error"] = st.message();
  data["took_ms"] = ms_since(begin);
  history.record(history::EventType::k_fault_end, name, std::move(data));
}

util::Expected<std::shared_ptr<Clearer>> apply(const scenario::FaultStep& fault, stack::Stack& stack,
                                               history::History& history) {
  const auto& params = scenario::params_of<DropDatabaseParams>(fault);
  auto service = service_of_kind(stack, fault.service, "postgres");
  if (!service) return service.error();
  const std::string conninfo = (*service)->admin_conninfo("postgres");
  if (conninfo.empty()) return util::Status::infrastructure("no administrator access to '" + fault.service + "'");
  const auto& placeholders = stack.placeholders();
  const std::string database = params.database.empty() ? placeholders.at(fault.service + ".database") : params.database;
  const std::string owner = placeholders.at(fault.service + ".user");
  const auto begin = std::chrono::steady_clock::now();
  auto conn = datastore::PostgresClient::connect(conninfo);
  if (!conn) return conn.error();
  auto sessions = conn->query("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", &database);
  if (!sessions) return sessions.error();
  if (auto dropped = conn->query(drop_database_sql(database)); !dropped) {
    return util::Status::infrastructure("DROP DATABASE " + quote_identifier(database) + ": " + dropped.error().message());
  }
  auto left = conn->query(k_exists_sql, &database);
  if (!left) return left.error();
  history.record(history::EventType::k_fault_start, fault.service,
                 {{"kind", "drop-database"}, {"database", database}, {"sessions_terminated", std::stoi(*sessions)},
                  {"exists", *left != "0"}, {"observed", *left == "0"}, {"took_ms", ms_since(begin)}});
  return std::make_shared<Clearer>([conninfo, database, owner, name = fault.service, &history] {
    recreate(conninfo, database, owner, name, history);
  });
}

std::optional<scenario::FaultStep> read(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                        const std::vector<scenario::Service>* services) {
  const std::string context = "drop-database fault";
  auto map = scenario::read_map(reader, entry, "'drop-database' must be a map with 'service' and optionally 'database'",
                                k_keys, context);
  if (!map) return std::nullopt;
  scenario::FaultStep fault;
  DropDatabaseParams params;
  bool ok = true;
  const scenario::Service* service =
      scenario::read_data_service(reader, *map, services, scenario::ServiceKind::k_postgres, context, fault, ok);
  if (const auto* e = map->find("database"))
    scenario::assign_or_fail(scenario::read_nonempty_string(reader, *e), params.database, ok);
  else if (service)
    params.database = service->database;
  if (!ok) return std::nullopt;
  fault.params = std::make_shared<DropDatabaseParams>(params);
  return fault;
}

const bool k_registered = register_fault({.name = "drop-database",
                                          .keys = k_keys,
                                          .summary = "dropped (WITH FORCE); cleared by re-creating it empty",
                                          .read = read},
                                         apply);

}  // namespace

}  // namespace harness::fault
