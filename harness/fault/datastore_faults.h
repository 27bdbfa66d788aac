#pragma once
// Redis and PostgreSQL faults, each observed on the real service (127.0.0.1 only):
//   redis-readonly  {service, of}  CONFIG SET masterauth (the other's password) and REPLICAOF 127.0.0.1 PORT of
//                   the other Redis: the service becomes a read-only replica (a full sync replaces its data with
//                   the other's; a client writing to it gets READONLY). Observed: INFO replication role:slave,
//                   and master_link_status. Cleared: REPLICAOF NO ONE and the masterauth it had; role:master.
//   redis-restart   {service}      stopped (SIGTERM) through the Stack, PING refused, started on the same port,
//                   PING answered. One step, no inverse. The harness's Redis has no persistence: its data is gone.
//   redis-failover  {service, mode}  a redis service with sentinels (replicas: N, sentinels: M) fails over:
//                   mode sentinel (default): SENTINEL FAILOVER NAME on the first sentinel that answers; mode kill:
//                   SIGKILL of the current master's process through the Stack (recorded service.stopped, and left
//                   down: the sentinels promote a replica after down_after). fault.start when triggered, with the
//                   old master (instance, port); fault.end once a majority of the sentinels name another port by
//                   get-master-addr-by-name (bounded: 60 s), with the new master, failover_ms and the new master's
//                   INFO replication role. No inverse: a failover is not undone.
//   postgres-down   {service}      SIGINT to the postmaster (a fast shutdown, as `pg_ctl stop -m fast`: clients
//                   are disconnected) through the Stack; observed: a connection to 127.0.0.1:PORT is refused.
//                   Cleared: started on the same data dir and port; observed: PQping OK.
//   drop-database   {service, database}  DROP DATABASE ... WITH (FORCE) as the superuser (its sessions are
//                   terminated, and counted); observed: gone from pg_database. There is no inverse that brings
//                   the data back: clearing re-creates it EMPTY, owned by the service's user (Celery's result
//                   tables are gone; SQLAlchemy creates them again only in a process that has not done so yet).
#include <string>

#include "harness/fault/fault_injector.h"

namespace harness::fault {

bool is_datastore_fault(const std::string& kind);
// REQUIRES: is_datastore_fault(fault.kind).
util::Expected<std::shared_ptr<Clearer>> apply_datastore_fault(const scenario::FaultStep& fault, stack::Stack& stack,
                                                               history::History& history);

// A PostgreSQL identifier, double-quoted (embedded quotes doubled): celery -> "celery", a"b -> "a""b".
std::string quote_identifier(const std::string& name);
std::string drop_database_sql(const std::string& database);  // DROP DATABASE "x" WITH (FORCE)
std::string create_database_sql(const std::string& database, const std::string& owner);  // CREATE DATABASE "x" OWNER "y"

}  // namespace harness::fault
