// postgres-down: {service}  SIGINT to the postmaster (a fast shutdown, as `pg_ctl stop -m fast`: clients are
// disconnected) through the driver and the Stack; observed: a connection to {{NAME.host}}:PORT is refused (PQping
// "no response"). Cleared: started on the same data dir and port (PostgreSQL answers ~0.3 s after a start);
// observed: PQping OK.
#include <signal.h>

#include "harness/datastore/postgres_client.h"
#include "harness/fault/fault_kind.h"
#include "harness/fault/observe.h"
#include "harness/scenario/fault_reader.h"

namespace harness::fault {

namespace {
using namespace std::chrono_literals;

constexpr auto k_down_timeout = 5s;
constexpr auto k_stop_timeout = 30s;   // a fast shutdown with a checkpoint; then SIGTERM/SIGKILL
constexpr auto k_start_timeout = 60s;

// How clients (Celery's SQLAlchemy) reach it: TCP on its host and port.
std::string tcp_conninfo(const stack::Stack& stack, const std::string& service) {
  const auto& table = stack.placeholders();
  return "host=" + table.at(service + ".host") + " port=" + table.at(service + ".port") +
         " dbname=postgres connect_timeout=2";
}

// The inverse: started again; fault.end {kind, ready, ping, cleared, took_ms, downtime_ms}.
void start_again(driver::Service* target, const std::string& name, const std::string& conninfo,
                 std::chrono::steady_clock::time_point down_since, stack::Stack& stack, history::History& history) {
  const auto begin = std::chrono::steady_clock::now();
  auto started = stack.start_instance(target, "postgres-down cleared", k_start_timeout);
  const PGPing ping = PQping(conninfo.c_str());
  nlohmann::json data = {{"kind", "postgres-down"}, {"ready", started.is_ok()}, {"ping", datastore::ping_label(ping)},
                         {"cleared", started.is_ok() && ping == PQPING_OK}, {"took_ms", ms_since(begin)},
                         {"downtime_ms", ms_since(down_since)}};
  if (!started) data["error"] = started.message();
  history.record(history::EventType::k_fault_end, name, std::move(data));
}

util::Expected<std::shared_ptr<Clearer>> apply(const scenario::FaultStep& fault, stack::Stack& stack,
                                               history::History& history) {
  auto service = service_of_kind(stack, fault.service, "postgres");
  if (!service) return service.error();
  if (!(*service)->running()) return util::Status::infrastructure("postgres '" + fault.service + "' is not running");
  const std::string conninfo = tcp_conninfo(stack, fault.service);
  const auto begin = std::chrono::steady_clock::now();
  // SIGINT: "fast" shutdown (sessions are disconnected); SIGTERM ("smart") would wait for Celery's pooled
  // connections to go away by themselves.
  driver::SignalResult signalled;
  auto stopped = stack.stop_instance(
      *service, "postgres-down", [&] { signalled = (*service)->signal(driver::SignalTarget::k_server, SIGINT); },
      k_stop_timeout);
  if (!stopped) return stopped;
  PGPing ping = PQPING_OK;
  poll_until([&] { return (ping = PQping(conninfo.c_str())) == PQPING_NO_RESPONSE; }, k_down_timeout);
  std::string error;
  if (auto conn = datastore::PostgresClient::connect(conninfo); !conn) error = conn.error().message();
  nlohmann::json start = {{"kind", "postgres-down"}, {"signal", "SIGINT"}, {"ping", datastore::ping_label(ping)},
                          {"error", error}, {"observed", ping == PQPING_NO_RESPONSE}, {"took_ms", ms_since(begin)}};
  if (!signalled.processes.empty()) start["pid"] = signalled.processes.front();
  history.record(history::EventType::k_fault_start, fault.service, std::move(start));
  return std::make_shared<Clearer>([target = *service, name = fault.service, conninfo, begin, &stack, &history] {
    start_again(target, name, conninfo, begin, stack, history);
  });
}

std::optional<scenario::FaultStep> read(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                        const std::vector<scenario::Service>* services) {
  return scenario::read_service_fault(reader, entry, services, scenario::ServiceKind::k_postgres);
}

const bool k_registered = register_fault({.name = "postgres-down",
                                          .keys = {"service"},
                                          .summary = "stopped; cleared by starting it on the same data dir and port",
                                          .read = read},
                                         apply);

}  // namespace

}  // namespace harness::fault
