// redis-flush: {service}  FLUSHALL on a redis service (never the ledger): every key of every database is gone.
// Recorded: fault.start {kind, command, keys_before (DBSIZE before), keys_after (DBSIZE after), observed: the
// DBSIZE after is 0}, then fault.end {instant}. A flush the service does not show (DBSIZE still above 0) is an
// error. No inverse: the data is not brought back.
#include "harness/fault/fault_kind.h"
#include "harness/fault/observe.h"
#include "harness/fault/redis_access.h"
#include "harness/scenario/fault_reader.h"

namespace harness::fault {

namespace {

util::Expected<long long> dbsize(const RedisAddress& address) {
  auto reply = redis_command(address, {"DBSIZE"});
  if (!reply) return reply.error();
  return reply->integer;
}

util::Expected<std::shared_ptr<Clearer>> apply(const scenario::FaultStep& fault, stack::Stack& stack,
                                               history::History& history) {
  auto address = redis_address(stack, fault.service);
  if (!address) return address.error();
  const auto begin = std::chrono::steady_clock::now();
  auto before = dbsize(*address);
  if (!before) return before.error();
  if (auto flushed = redis_command(*address, {"FLUSHALL"}); !flushed) return flushed.error();
  auto after = dbsize(*address);
  if (!after) return after.error();
  history.record(history::EventType::k_fault_start, fault.service,
                 {{"kind", "redis-flush"}, {"command", "FLUSHALL"}, {"keys_before", *before}, {"keys_after", *after},
                  {"observed", *after == 0}, {"took_ms", ms_since(begin)}});
  history.record(history::EventType::k_fault_end, fault.service, {{"kind", "redis-flush"}, {"instant", true}});
  if (*after != 0) {
    return util::Status::infrastructure("redis '" + fault.service + "' still has " + std::to_string(*after) +
                                        " keys after FLUSHALL (DBSIZE)");
  }
  return std::make_shared<Clearer>(nullptr);
}

std::optional<scenario::FaultStep> read(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                        const std::vector<scenario::Service>* services) {
  return scenario::read_service_fault(reader, entry, services, scenario::ServiceKind::k_redis);
}

const bool k_registered = register_fault({.name = "redis-flush",
                                          .keys = {"service"},
                                          .summary = "FLUSHALL: every key gone, DBSIZE 0 observed",
                                          .no_inverse = "it has no inverse: the data is not brought back",
                                          .read = read},
                                         apply);

}  // namespace

}  // namespace harness::fault
