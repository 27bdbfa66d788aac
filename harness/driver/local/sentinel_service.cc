#include "harness/driver/local/sentinel_service.h"

#include <random>

#include "harness/datastore/redis_client.h"
#include "harness/driver/client_routing.h"
#include "harness/driver/local/binaries.h"
#include "harness/process/ports.h"

namespace harness::driver::local {

namespace {
constexpr auto k_ping_timeout = std::chrono::milliseconds{300};

std::string random_run_id() {
  static const char k_hex[] = "0123456789abcdef";
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<int> pick(0, 15);
  std::string id;
  for (int i = 0; i < 40; ++i) id += k_hex[pick(engine)];
  return id;
}

// A flat [field, value, ...] reply (SENTINEL MASTER, or one entry of SENTINEL REPLICAS / SENTINELS).
std::string field_of(const datastore::RedisReply& reply, const std::string& field) {
  for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2)
    if (reply.elements[i].str == field) return reply.elements[i + 1].str;
  return {};
}
}  // namespace

std::string sentinel_config(const SentinelTopology& t, std::size_t index, const std::filesystem::path& dir) {
  const std::string& name = t.master_name;
  std::string c;
  c += "port " + std::to_string(t.sentinel_ports[index]) + "\n";
  c += "bind 127.0.0.1\n";
  c += "daemonize no\n";
  c += "logfile \"\"\n";
  c += "dir \"" + dir.string() + "\"\n";
  // As redis-server: keep argv and environ (CELERY_CHAOS_OWNER) readable for the sweeper.
  c += "set-proc-title no\n";
  c += "sentinel myid " + t.sentinel_ids[index] + "\n";
  c += "sentinel monitor " + name + " 127.0.0.1 " + std::to_string(t.master_port) + " " + std::to_string(t.quorum) +
       "\n";
  c += "sentinel auth-pass " + name + " " + t.password + "\n";
  c += "sentinel down-after-milliseconds " + name + " " + std::to_string(t.down_after.count()) + "\n";
  c += "sentinel failover-timeout " + name + " " + std::to_string(t.failover_timeout.count()) + "\n";
  c += "sentinel parallel-syncs " + name + " 1\n";
  for (auto port : t.replica_ports) c += "sentinel known-replica " + name + " 127.0.0.1 " + std::to_string(port) + "\n";
  for (std::size_t i = 0; i < t.sentinel_ports.size(); ++i) {
    if (i == index) continue;
    c += "sentinel known-sentinel " + name + " 127.0.0.1 " + std::to_string(t.sentinel_ports[i]) + " " +
         t.sentinel_ids[i] + "\n";
  }
  return c;
}

std::string sentinel_view_unready(const SentinelTopology& t, std::size_t index, const datastore::RedisReply& replicas,
                                  const datastore::RedisReply& sentinels) {
  // A replica is a candidate for SENTINEL FAILOVER once the sentinel has INFO from it (until then master-host is
  // "?": the entry only comes from the config) and neither the replica nor its link is down.
  auto healthy = [](const std::string& flags) {
    return flags.find("s_down") == std::string::npos && flags.find("o_down") == std::string::npos &&
           flags.find("disconnected") == std::string::npos;
  };
  for (auto port : t.replica_ports) {
    const datastore::RedisReply* found = nullptr;
    for (const auto& r : replicas.elements)
      if (field_of(r, "port") == std::to_string(port)) found = &r;
    if (found == nullptr) return "replica on port " + std::to_string(port) + " not known yet";
    const std::string flags = field_of(*found, "flags");
    if (!healthy(flags)) return "replica on port " + std::to_string(port) + " flagged " + flags;
    if (field_of(*found, "master-port") != std::to_string(t.master_port)) {
      return "no INFO from the replica on port " + std::to_string(port) + " yet";
    }
  }
  for (std::size_t i = 0; i < t.sentinel_ports.size(); ++i) {
    if (i == index) continue;
    const std::string port = std::to_string(t.sentinel_ports[i]);
    const datastore::RedisReply* found = nullptr;
    for (const auto& s : sentinels.elements)
      if (field_of(s, "port") == port) found = &s;
    if (found == nullptr) return "sentinel on port " + port + " not known yet";
    const std::string flags = field_of(*found, "flags");
    if (!healthy(flags)) return "sentinel on port " + port + " flagged " + flags;
  }
  return {};
}

// Sentinel needs a writable config file: it rewrites it on every change (a failover, a new replica). It is written
// once, so a restarted sentinel keeps what it has learnt.
util::Status SentinelService::start() {
  if (auto st = make_dir(m_dir); !st) return st;
  const auto config = m_dir / "sentinel.conf";
  if (!m_config_written) {
    if (auto st = write_file(config, sentinel_config(m_topology, m_index, m_dir)); !st) return st;
    m_config_written = true;
  }
  const auto port = m_topology.sentinel_ports[m_index];
  if (auto st = write_redis_cli(m_dir / "bin", m_binary.parent_path() / "redis-cli", port); !st) return st;
  process::SpawnOptions options;
  options.argv = {m_binary.string(), config.string()};
  options.working_directory = m_dir;
  return spawn(std::move(options));
}

ReadyPoll SentinelService::poll_ready() {
  if (auto status = exit_status()) return {Readiness::k_failed, exited_detail(*status)};
  auto client = datastore::RedisClient::connect(m_topology.sentinel_ports[m_index], "", k_ping_timeout);
  if (!client) return {Readiness::k_not_yet, client.error().message()};
  auto addr = client->command({"SENTINEL", "get-master-addr-by-name", m_topology.master_name});
  if (!addr || addr->elements.size() != 2) return {Readiness::k_not_yet, "no master address yet"};
  if (addr->elements[1].str != std::to_string(m_topology.master_port)) {
    return {Readiness::k_not_yet, "master at port " + addr->elements[1].str + ", not the initial master's"};
  }
  auto master = client->command({"SENTINEL", "MASTER", m_topology.master_name});
  if (!master) return {Readiness::k_not_yet, master.error().message()};
  if (const std::string flags = field_of(*master, "flags"); flags != "master") {
    return {Readiness::k_not_yet, "master flags " + flags};
  }
  auto replicas = client->command({"SENTINEL", "REPLICAS", m_topology.master_name});
  if (!replicas) return {Readiness::k_not_yet, replicas.error().message()};
  auto sentinels = client->command({"SENTINEL", "SENTINELS", m_topology.master_name});
  if (!sentinels) return {Readiness::k_not_yet, sentinels.error().message()};
  if (auto why = sentinel_view_unready(m_topology, m_index, *replicas, *sentinels); !why.empty()) {
    return {Readiness::k_not_yet, why};
  }
  if (auto info = client->command({"INFO", "server"}); info && info->type == datastore::RedisReply::Type::k_string) {
    set_version(datastore::info_field(info->str, "redis_version"));
  }
  return {Readiness::k_ready, {}};
}

std::map<std::string, std::string> SentinelService::exec_environment() const {
  return {{"REDIS_HOST", "127.0.0.1"},
          {"REDIS_PORT", std::to_string(m_topology.sentinel_ports[m_index])},
          {"PATH", path_with_first(m_dir / "bin")}};
}

std::map<std::string, std::string> SentinelService::placeholders() const {
  return {{"host", "127.0.0.1"},
          {"port", std::to_string(m_topology.sentinel_ports[m_index])},
          {"master_name", m_topology.master_name},
          {"dir", m_dir.string()}};
}

util::Expected<std::vector<std::unique_ptr<Service>>> create_redis_instances(const scenario::Service& spec,
                                                                             const RunPaths& paths) {
  std::vector<std::unique_ptr<Service>> out;
  auto master = RedisService::create(spec, paths);
  if (!master) return master.error();
  RedisService& m = **master;
  SentinelTopology topology;
  topology.master_name = spec.name;
  topology.master_port = m.port();
  if (paths.routing != nullptr && spec.sentinels > 0) {  // the group through its peers proxy (client_routing.h)
    auto peer = paths.routing->peer_port(spec.name, m.port());
    if (!peer) return peer.error();
    if (*peer) topology.master_port = **peer;
  }
  topology.password = m.password();
  topology.quorum = spec.sentinels / 2 + 1;
  topology.down_after = spec.down_after;
  std::vector<std::unique_ptr<Service>> replicas;
  for (int i = 1; i <= spec.redis_replicas; ++i) {
    auto replica = RedisService::create_replica(spec, paths, i, m, topology.master_port);
    if (!replica) return replica.error();
    topology.replica_ports.push_back((*replica)->port());
    replicas.push_back(std::move(replica.value()));
  }
  std::filesystem::path binary;
  if (spec.sentinels > 0) {
    auto found = find_program("redis-sentinel", {"/usr/bin/redis-sentinel"}, "redis-sentinel");
    if (!found) return found.error();
    binary = *found;
  }
  for (int i = 0; i < spec.sentinels; ++i) {
    auto port = process::allocate_port();
    if (!port) return port.error();
    topology.sentinel_ports.push_back(*port);
    topology.sentinel_ids.push_back(random_run_id());
  }
  if (spec.sentinels > 0) m.set_sentinels(spec.name, topology.sentinel_ports);
  out.push_back(std::move(master.value()));
  for (auto& r : replicas) out.push_back(std::move(r));
  for (int i = 0; i < spec.sentinels; ++i) {
    const std::string name = spec.name + ".sentinel-" + std::to_string(i + 1);
    std::unique_ptr<SentinelService> sentinel(
        new SentinelService(name, spec.name, paths.logs_dir / (name + ".log"), paths.work_dir / name, binary));
    sentinel->m_topology = topology;
    sentinel->m_index = static_cast<std::size_t>(i);
    out.push_back(std::move(sentinel));
  }
  return out;
}

}  // namespace harness::driver::local
