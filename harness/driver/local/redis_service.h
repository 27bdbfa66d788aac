#pragma once
// A private redis-server: 127.0.0.1 only, no persistence, a generated password, repl-diskless-sync-delay 0
// (a replica links in ~0.15 s instead of ~5 s, measured). Ready = AUTH + PING answered over hiredis.
//
// A scenario's redis service with `replicas: N` is N+1 instances: NAME (the initial master) and NAME.replica-K
// (`replicaof 127.0.0.1 MASTERPORT`, the same password as requirepass and masterauth, so that any of them can
// be master or replica after a failover). A replica is ready once INFO replication says master_link_status:up.
// Its settings, the password included, are in a 0600 redis.conf in its folder, never on its command line; the
// scenario's `config:` directives come last in it (master and replicas alike).
#include "harness/driver/driver.h"
#include "harness/driver/local/local_service.h"

namespace harness::driver::local {

class RedisService final : public LocalService {
public:
  static util::Expected<std::unique_ptr<RedisService>> create(const scenario::Service& spec, const RunPaths& paths);
  // Replica `index` (1-based) of `master`: instance "NAME.replica-INDEX", its own port and dir, the same password,
  // replicating from 127.0.0.1:`master_port` (the master's own port, or the group's proxy to it:
  // ClientRouting::peer_port).
  static util::Expected<std::unique_ptr<RedisService>> create_replica(const scenario::Service& spec,
                                                                      const RunPaths& paths, int index,
                                                                      const RedisService& master,
                                                                      std::uint16_t master_port);

  std::string kind() const override { return "redis"; }
  util::Status start() override;
  ReadyPoll poll_ready() override;
  std::string readiness_condition() const override;
  std::map<std::string, std::string> placeholders() const override;
  std::vector<std::uint16_t> ports() const override { return {m_port}; }
  // REDIS_HOST, REDIS_PORT, REDISCLI_AUTH (redis-cli's password variable), and first on PATH a `redis-cli` that
  // connects to this instance: `exec: {service: cache, command: redis-cli ping}` answers PONG, as in its container.
  std::map<std::string, std::string> exec_environment() const override;

  std::uint16_t port() const { return m_port; }
  const std::string& password() const { return m_password; }
  const std::string& role() const { return m_role; }
  // The master (only) publishes the Sentinel placeholders: master_name, sentinel_ports, sentinel_url.
  void set_sentinels(std::string master_name, std::vector<std::uint16_t> ports) {
    m_master_name = std::move(master_name);
    m_sentinel_ports = std::move(ports);
  }

private:
  RedisService(std::string name, std::string scenario_service, std::filesystem::path log, std::filesystem::path dir,
               std::filesystem::path server)
      : LocalService(std::move(name), std::move(scenario_service), std::move(log)), m_dir(std::move(dir)),
        m_server(std::move(server)) {}
  std::string config() const;  // redis.conf's text

  std::filesystem::path m_dir;
  std::filesystem::path m_server;
  std::string m_password;
  std::string m_role;
  std::uint16_t m_port = 0;
  std::uint16_t m_replica_of = 0;  // the initial master's port (or its peers proxy's); 0 = starts as a master
  std::map<std::string, std::string> m_settings;  // the scenario's `config:` (redis.conf directives)
  std::string m_master_name;
  std::vector<std::uint16_t> m_sentinel_ports;
};

// Writes `<bin_dir>/redis-cli`: runs `redis_cli -h 127.0.0.1 -p PORT "$@"` (a -p of the caller's comes later and
// wins). redis-cli takes its password from REDISCLI_AUTH but has no variable for the port.
util::Status write_redis_cli(const std::filesystem::path& bin_dir, const std::filesystem::path& redis_cli,
                             std::uint16_t port);

// The kombu/Celery URL of a Sentinel group: "sentinel://:PASSWORD@127.0.0.1:P1/0;sentinel://:PASSWORD@...:P2/0".
// kombu 5.2.4 and Celery 5.2.6 take the password and db of the first chunk for the master's connections and
// connect to the sentinels without a password (these sentinels have none); the master name is a transport
// option (broker_transport_options / result_backend_transport_options: {master_name: NAME}).
std::string sentinel_url(const std::string& password, const std::vector<std::uint16_t>& sentinel_ports);

}  // namespace harness::driver::local
