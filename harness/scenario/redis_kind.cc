// The redis service kind: a Redis master, with `replicas:` read replicas and `sentinels:` Sentinels monitoring it;
// a broker or a result backend (and the harness's own ledger).
#include "harness/scenario/server_config.h"
#include "harness/scenario/service_kind.h"

namespace harness::scenario {
namespace {

// The master NAME (with sentinels also its master name and the sentinels' addresses), NAME.replica-K, and
// NAME.sentinel-K (a sentinel has no password of its own). `config:` applies to the master and its replicas.
std::vector<InstanceKeys> instances(const Service& service) {
  std::vector<std::string> keys{"host", "port", "password", "url", "dir", "direct_port", "direct_url"};
  for (const auto& [key, value] : service.server_config) keys.push_back("config." + key);
  std::vector<InstanceKeys> out;
  std::vector<std::string> master = keys;
  if (service.sentinels > 0) master.insert(master.end(), {"master_name", "sentinel_ports", "sentinel_url"});
  out.push_back({service.name, master});
  for (int i = 1; i <= service.redis_replicas; ++i) out.push_back({service.name + ".replica-" + std::to_string(i), keys});
  for (int i = 1; i <= service.sentinels; ++i)
    out.push_back({service.name + ".sentinel-" + std::to_string(i), {"host", "port", "master_name", "dir", "direct_port"}});
  return out;
}

// redis.conf directives (`key value`, booleans yes/no), of the master and its replicas. The harness's own lines
// (driver/local/redis_service.cc) give the server its address, folder, password, replication and a log on
// stdout; a scenario's `save`, `appendonly`, `repl-diskless-sync-delay` and `protected-mode` replace the harness's.
const ServerConfigRules k_config{
    .what = "redis.conf directives",
    .true_word = "yes",
    .false_word = "no",
    .case_insensitive = true,
    .reserved = {
        {"port", "the server listens on 127.0.0.1 at a port the harness allocates ({{SERVICE.port}})"},
        {"bind", "the server listens on 127.0.0.1 at a port the harness allocates ({{SERVICE.port}})"},
        {"unixsocket", "clients connect over TCP on 127.0.0.1 ({{SERVICE.port}})"},
        {"dir", "the server keeps its files in its own folder ({{SERVICE.dir}})"},
        {"daemonize", "the harness runs the server in the foreground, as its child"},
        {"pidfile", "the harness runs the server in the foreground, as its child"},
        {"logfile", "the server logs to stdout, which is logs/SERVICE.log"},
        {"set-proc-title", "the harness finds its servers by their environment, which a process title overwrites"},
        {"requirepass", "the harness generates the password ({{SERVICE.password}})"},
        {"masterauth", "the harness generates the password ({{SERVICE.password}})"},
        {"replicaof", "replication is the service's 'replicas:' (and the redis-readonly fault)"},
        {"slaveof", "replication is the service's 'replicas:' (and the redis-readonly fault)"},
        {"include", "every setting is in the scenario"},
    },
};

const bool k_registered = service_kinds().add({
    .name = "redis",
    .id = ServiceKind::k_redis,
    .summary = "a Redis server, with read replicas and Sentinels on request (a broker or result backend)",
    .image = {.prefixes = {"redis"}},
    .keys = {"replicas", "sentinels", "down_after", "config"},
    .serves = {"broker", "backend"},
    .server_config = &k_config,
    .instances = instances,
});

}  // namespace
}  // namespace harness::scenario
