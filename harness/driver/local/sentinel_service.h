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
// Ready = `SENTINEL get-master-addr-by-name NAME` answers 127.0.0.1:MASTERPORT and SENTINEL MASTER lists the
// replicas and the other sentinels.
#include <cstdint>
#include <string>
#include <vector>

#include "harness/driver/driver.h"
#include "harness/driver/local/local_service.h"
#include "harness/driver/local/redis_service.h"

namespace harness::driver::local {

struct SentinelTopology {
  std::string master_name;
  std::uint16_t master_port = 0;
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

class SentinelService final : public LocalService {
public:
  std::string kind() const override { return "redis-sentinel"; }
  util::Status start() override;
  ReadyPoll poll_ready() override;
  std::map<std::string, std::string> placeholders() const override;
  std::vector<std::uint16_t> ports() const override { return {m_topology.sentinel_ports[m_index]}; }

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
