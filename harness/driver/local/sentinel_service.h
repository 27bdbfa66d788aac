#pragma once
// A private redis-sentinel monitoring one scenario redis service (its master and replicas, redis_service.h).
//
// Instance "NAME.sentinel-K" (kind "redis-sentinel", scenario service NAME). Sentinel needs a writable config
// file (it rewrites it on every change), written to WORK/NAME.sentinel-K/sentinel.conf: port, bind 127.0.0.1,
// `sentinel monitor NAME 127.0.0.1 MASTERPORT QUORUM` (QUORUM = M/2+1 of M sentinels), auth-pass (the group's
// password), down-after-milliseconds (the scenario's `down_after`, default 2000), failover-timeout 5000.
// The topology is written down rather than discovered: `sentinel myid`, `known-replica` for every replica and
// `known-sentinel` for every other sentinel. Discovery would take up to 10 s (a sentinel INFOs the master every
// 10 s, and a replica that links after the first INFO is unknown until the next one); written down, a kill-mode
// failover has its quorum as soon as the sentinels are ready. The sentinels have no password of their own (kombu
// and Celery connect to sentinels without one unless sentinel_kwargs says otherwise).
//
// When the service is proxied (client_routing.h), the sentinels and the replicas reach the master through its
// peers proxy (ClientRouting::peer_port): MASTERPORT is that proxy's, so a partition can cut the master off from
// its group (a split brain); the sentinels then hand that address to the clients that ask them for the master.
//
// Ready = `SENTINEL get-master-addr-by-name NAME` answers 127.0.0.1:MASTERPORT, the master's flags are just
// "master", and the sentinel could fail over at once: SENTINEL REPLICAS lists every replica with INFO received
// from it (a replica only written down in the config has none, and SENTINEL FAILOVER answers NOGOODSLAVE until
// the sentinel's first INFO of it) and no s_down/o_down/disconnected flag; SENTINEL SENTINELS lists every other
// sentinel without those flags.
#include <cstdint>
#include <string>
#include <vector>

#include "harness/datastore/redis_client.h"
#include "harness/driver/driver.h"
#include "harness/driver/local/local_service.h"
#include "harness/driver/local/redis_service.h"

namespace harness::driver::local {

struct SentinelTopology {
  std::string master_name;
  std::uint16_t master_port = 0;  // the master's own port, or its peers proxy's when the service is proxied
  std::string password;
  std::vector<std::uint16_t> replica_ports;
  std::vector<std::uint16_t> sentinel_ports;  // all of the group, this one's included
  std::vector<std::string> sentinel_ids;      // 40 hex digits each, same order
  int quorum = 1;
  std::chrono::milliseconds down_after{2000};
  std::chrono::milliseconds failover_timeout{5000};
};

// The contents of sentinel `index` (0-based)'s config file. Pure, for tests.
std::string sentinel_config(const SentinelTopology& topology, std::size_t index, const std::filesystem::path& dir);

// Why sentinel `index` of `topology` could not fail over yet, from its SENTINEL REPLICAS and SENTINEL SENTINELS
// replies; empty when it could. Pure, for tests.
std::string sentinel_view_unready(const SentinelTopology& topology, std::size_t index,
                                  const datastore::RedisReply& replicas, const datastore::RedisReply& sentinels);

class SentinelService final : public LocalService {
public:
  std::string kind() const override { return "redis-sentinel"; }
  util::Status start() override;
  ReadyPoll poll_ready() override;
  std::string readiness_condition() const override {
    return "SENTINEL names the master 127.0.0.1:" + std::to_string(m_topology.master_port) +
           " and lists every replica (INFO received) and the other sentinels, none down";
  }
  std::map<std::string, std::string> placeholders() const override;
  std::vector<std::uint16_t> ports() const override { return {m_topology.sentinel_ports[m_index]}; }
  // REDIS_HOST, REDIS_PORT (this sentinel's; it has no password) and a `redis-cli` to it first on PATH.
  std::map<std::string, std::string> exec_environment() const override;

private:
  friend util::Expected<std::vector<std::unique_ptr<Service>>> create_redis_instances(const scenario::Service&,
                                                                                       const RunPaths&);
  SentinelService(std::string name, std::string scenario_service, std::filesystem::path log, std::filesystem::path dir,
                  std::filesystem::path binary)
      : LocalService(std::move(name), std::move(scenario_service), std::move(log)), m_dir(std::move(dir)),
        m_binary(std::move(binary)) {}

  std::filesystem::path m_dir;
  std::filesystem::path m_binary;
  SentinelTopology m_topology;
  std::size_t m_index = 0;
  bool m_config_written = false;  // a restarted sentinel keeps the config it rewrote
};

// Every instance of a scenario redis service, in start order: the master, its replicas, its sentinels.
util::Expected<std::vector<std::unique_ptr<Service>>> create_redis_instances(const scenario::Service& spec,
                                                                             const RunPaths& paths);

}  // namespace harness::driver::local
