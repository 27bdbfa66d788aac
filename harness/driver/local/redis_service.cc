#include "harness/driver/local/redis_service.h"

#include "harness/datastore/redis_client.h"
#include "harness/driver/local/binaries.h"
#include "harness/process/ports.h"
#include "harness/scenario/server_config.h"

namespace harness::driver::local {

namespace {
constexpr auto k_ping_timeout = std::chrono::milliseconds{300};
}

util::Expected<std::unique_ptr<RedisService>> RedisService::create(const scenario::Service& spec,
                                                                  const RunPaths& paths) {
  auto server = find_program("redis-server", {"/usr/bin/redis-server"}, "redis-server");
  if (!server) return server.error();
  std::unique_ptr<RedisService> service(new RedisService(spec.name, spec.name, paths.logs_dir / (spec.name + ".log"),
                                                         paths.work_dir / spec.name, *server));
  auto port = process::allocate_port();
  if (!port) return port.error();
  service->m_port = *port;
  service->m_password = random_token(20);
  service->m_role = spec.role;
  service->m_settings = spec.server_config;
  return service;
}

util::Expected<std::unique_ptr<RedisService>> RedisService::create_replica(const scenario::Service& spec,
                                                                          const RunPaths& paths, int index,
                                                                          const RedisService& master,
                                                                          std::uint16_t master_port) {
  const std::string name = spec.name + ".replica-" + std::to_string(index);
  std::unique_ptr<RedisService> service(new RedisService(name, spec.name, paths.logs_dir / (name + ".log"),
                                                         paths.work_dir / name, master.m_server));
  auto port = process::allocate_port();
  if (!port) return port.error();
  service->m_port = *port;
  service->m_password = master.m_password;
  service->m_role = spec.role;
  service->m_replica_of = master_port;
  service->m_settings = spec.server_config;
  return service;
}

std::string sentinel_url(const std::string& password, const std::vector<std::uint16_t>& sentinel_ports) {
  std::string url;
  for (auto port : sentinel_ports) {
    url += (url.empty() ? "" : ";") + std::string("sentinel://:") + password + "@127.0.0.1:" + std::to_string(port) +
           "/0";
  }
  return url;
}

util::Status write_redis_cli(const std::filesystem::path& bin_dir, const std::filesystem::path& redis_cli,
                             std::uint16_t port) {
  if (auto st = make_dir(bin_dir); !st) return st;
  return write_script(bin_dir / "redis-cli",
                      "exec '" + redis_cli.string() + "' -h 127.0.0.1 -p " + std::to_string(port) + " \"$@\"\n");
}

// No persistence (save "", appendonly no): a scenario's data is discarded. repl-diskless-sync-delay 0: with the
// default 5, a master waits 5 s before it syncs a new replica (linked in ~5 s instead of ~0.15 s). These defaults
// and protected-mode give way to the scenario's `config:`, whose directives come last (redis.conf: `key value`; an
// empty value as "", which `save ""` needs).
std::string RedisService::config() const {
  // Everything in a 0600 file, not on the command line: argv is world-readable (ps, /proc/PID/cmdline) and would
  // show the password to every user of the machine.
  std::string c;
  c += "port " + std::to_string(m_port) + "\n";
  c += "bind 127.0.0.1\n";
  c += "dir \"" + m_dir.string() + "\"\n";
  c += "daemonize no\n";
  c += "logfile \"\"\n";
  c += "pidfile \"" + (m_dir / "redis.pid").string() + "\"\n";
  c += "requirepass " + m_password + "\n";
  c += "masterauth " + m_password + "\n";
  // Redis rewrites its process title over argv and environ by default, erasing CELERY_CHAOS_OWNER from
  // /proc/PID/environ: the sweeper could not recognise a killed harness's redis-server.
  c += "set-proc-title no\n";
  if (m_replica_of != 0) c += "replicaof 127.0.0.1 " + std::to_string(m_replica_of) + "\n";
  const std::pair<const char*, const char*> defaults[] = {
      {"protected-mode", "yes"}, {"save", "\"\""}, {"appendonly", "no"}, {"repl-diskless-sync-delay", "0"}};
  for (const auto& [key, value] : defaults)
    if (!scenario::has_setting(m_settings, key, true)) c += std::string(key) + " " + value + "\n";
  for (const auto& [key, value] : m_settings) c += key + " " + (value.empty() ? std::string("\"\"") : value) + "\n";
  return c;
}

util::Status RedisService::start() {
  if (auto st = make_dir(m_dir); !st) return st;
  if (auto st = write_redis_cli(m_dir / "bin", m_server.parent_path() / "redis-cli", m_port); !st) return st;
  const auto config_file = m_dir / "redis.conf";
  if (auto st = write_file(config_file, config()); !st) return st;
  process::SpawnOptions options;
  options.argv = {m_server.string(), config_file.string()};
  options.working_directory = m_dir;
  return spawn(std::move(options));
}

// redis-server answers PING well under 0.1 s after start; a replica once its link to the master is up.
ReadyPoll RedisService::poll_ready() {
  if (auto status = exit_status()) return {Readiness::k_failed, exited_detail(*status)};
  auto client = datastore::RedisClient::connect(m_port, m_password, k_ping_timeout);
  if (!client) return {Readiness::k_not_yet, client.error().message()};
  auto pong = client->command({"PING"});
  if (!pong || pong->str != "PONG") return {Readiness::k_not_yet, "PING not answered yet"};
  if (auto info = client->command({"INFO", "server"}); info && info->type == datastore::RedisReply::Type::k_string) {
    set_version(datastore::info_field(info->str, "redis_version"));
  }
  if (m_replica_of != 0) {
    auto info = client->command({"INFO", "replication"});
    const std::string link = info ? datastore::info_field(info->str, "master_link_status") : std::string{};
    if (link != "up") return {Readiness::k_not_yet, "replication link to its master not up yet (" + link + ")"};
  }
  return {Readiness::k_ready, {}};
}

std::string RedisService::readiness_condition() const {
  std::string condition = "AUTH and PING answered on 127.0.0.1:" + std::to_string(m_port);
  if (m_replica_of != 0) condition += ", and its replication link to 127.0.0.1:" + std::to_string(m_replica_of) + " up";
  return condition;
}

std::map<std::string, std::string> RedisService::exec_environment() const {
  return {{"REDIS_HOST", "127.0.0.1"},
          {"REDIS_PORT", std::to_string(m_port)},
          {"REDISCLI_AUTH", m_password},
          {"PATH", path_with_first(m_dir / "bin")}};
}

std::map<std::string, std::string> RedisService::placeholders() const {
  const auto port = std::to_string(m_port);
  std::map<std::string, std::string> table{
      {"host", "127.0.0.1"},
      {"port", port},
      {"password", m_password},
      {"url", "redis://:" + m_password + "@127.0.0.1:" + port + "/0"},
      {"dir", m_dir.string()},
  };
  for (const auto& [key, value] : m_settings) table["config." + key] = value;
  if (!m_sentinel_ports.empty()) {
    std::string ports;
    for (auto p : m_sentinel_ports) ports += (ports.empty() ? "" : " ") + std::to_string(p);
    table["master_name"] = m_master_name;
    table["sentinel_ports"] = ports;
    table["sentinel_url"] = sentinel_url(m_password, m_sentinel_ports);
  }
  return table;
}

}  // namespace harness::driver::local
