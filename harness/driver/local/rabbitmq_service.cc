#include "harness/driver/local/rabbitmq_service.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness/driver/local/binaries.h"
#include "harness/process/ports.h"

namespace harness::driver::local {

namespace {
constexpr auto k_handshake_timeout = std::chrono::milliseconds{500};

util::Expected<std::uint16_t> port_or_error() { return process::allocate_port(); }
}  // namespace

RabbitmqService::RabbitmqService(std::string name, std::filesystem::path log, std::filesystem::path dir,
                                 std::filesystem::path server)
    : LocalService(name, name, std::move(log)), m_dir(std::move(dir)), m_server(std::move(server)) {}

util::Expected<std::unique_ptr<RabbitmqService>> RabbitmqService::create(const scenario::Service& spec,
                                                                        const RunPaths& paths) {
  // The server is called directly: as root, the /usr/sbin/rabbitmq* wrappers switch to the rabbitmq user and its
  // HOME, which would lose the node's private cookie and folders.
  auto server = find_program("rabbitmq-server", {"/usr/lib/rabbitmq/bin/rabbitmq-server"}, "rabbitmq-server");
  if (!server) return server.error();
  std::unique_ptr<RabbitmqService> service(new RabbitmqService(spec.name, paths.logs_dir / (spec.name + ".log"),
                                                               paths.work_dir / spec.name, *server));
  for (auto* port : {&service->m_port, &service->m_dist_port, &service->m_epmd_port, &service->m_management_port}) {
    auto allocated = port_or_error();
    if (!allocated) return allocated.error();
    *port = *allocated;
  }
  // Node names must be unique on the machine: several runs may share one epmd-less host.
  service->m_node = "cc-" + spec.name + "-" + random_token(6) + "@localhost";
  service->m_user = "cc-" + random_token(8);
  service->m_password = random_token(20);
  service->m_settings = spec.server_config;
  return service;
}

std::string rabbitmq_conf(std::uint16_t port, std::uint16_t management_port, const std::string& user,
                          const std::string& password, const std::map<std::string, std::string>& settings) {
  std::string conf = "listeners.tcp.default = 127.0.0.1:" + std::to_string(port) + "\n" +
                     "management.tcp.ip = 127.0.0.1\n"
                     "management.tcp.port = " + std::to_string(management_port) + "\n" +
                     "default_user = " + user + "\n" +
                     "default_pass = " + password + "\n" +
                     "loopback_users = none\n"
                     "log.console = true\n"
                     "log.file = false\n";
  // Defaults a scenario may replace. Queue depths and connection states in the management API a second old at
  // most (RabbitMQ's default: 5 s): the harness samples them while faults are active (run/broker_sampler.h).
  const std::pair<const char*, const char*> defaults[] = {{"collect_statistics_interval", "1000"},
                                                          {"log.console.level", "info"}};
  for (const auto& [key, value] : defaults)
    if (!settings.count(key)) conf += std::string(key) + " = " + value + "\n";
  for (const auto& [key, value] : settings) conf += key + " = " + value + "\n";
  return conf;
}

std::string configuration_errors(const std::string& log) {
  // "2026-11-28 05:11:34.889938+00:00 [error] <0.132.0>   - Conf file attempted to set unknown variable: x"
  static const std::regex k_line(
      R"(^\S+ \S+ \[error\] <[0-9.]+> +((- .*)|(You've tried to set .*)|(Error preparing configuration.*))$)");
  std::string out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (!std::regex_match(line, match, k_line)) continue;
    const std::string said = match[1].str() + "\n";
    if (out.find(said) == std::string::npos) out += said;
  }
  return out;
}

// A private node, the same for server and CLI: HOME holds the node's cookie (a CLI with another HOME cannot talk to
// the node); RABBITMQ_CONF_ENV_FILE names an empty file, so /etc/rabbitmq/rabbitmq-env.conf is not read;
// ERL_EPMD_PORT and ERL_EPMD_ADDRESS give it its own epmd, which otherwise listens on 0.0.0.0:4369, shared with
// every other Erlang node on the machine; RABBITMQ_PID_FILE names the beam.smp pid (beam_pid()).
std::map<std::string, std::string> RabbitmqService::environment() const {
  const auto d = m_dir.string();
  return {
      {"HOME", d + "/home"},
      {"RABBITMQ_NODENAME", m_node},
      {"RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"},
      {"RABBITMQ_NODE_PORT", std::to_string(m_port)},
      {"RABBITMQ_DIST_PORT", std::to_string(m_dist_port)},
      {"RABBITMQ_MNESIA_BASE", d + "/mnesia"},
      {"RABBITMQ_LOG_BASE", d + "/log"},
      {"RABBITMQ_LOGS", "-"},
      {"RABBITMQ_ENABLED_PLUGINS_FILE", d + "/enabled_plugins"},
      {"RABBITMQ_CONF_ENV_FILE", d + "/rabbitmq-env.conf"},
      {"RABBITMQ_CONFIG_FILE", d + "/rabbitmq.conf"},
      {"RABBITMQ_ADVANCED_CONFIG_FILE", d + "/advanced.config"},
      {"RABBITMQ_PID_FILE", d + "/rabbitmq.pid"},
      {"ERL_EPMD_PORT", std::to_string(m_epmd_port)},
      // The broker's own epmd. Given an address, epmd always adds both loopbacks, 127.0.0.1 and [::1] (its
      // source does so whatever the list says; measured with `ss -ltnp`); without one it listens on every
      // address. So it listens on loopback only, not on 127.0.0.1 alone.
      {"ERL_EPMD_ADDRESS", "127.0.0.1"},
      {"RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}"},
      {"RABBITMQ_CTL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}"},
  };
}

std::map<std::string, std::string> RabbitmqService::ctl_environment() const { return environment(); }

std::map<std::string, std::string> RabbitmqService::exec_environment() const {
  auto env = environment();
  env["PATH"] = path_with_first(m_server.parent_path());
  return env;
}

// The cookie is mode 400 (Erlang refuses a cookie file others can read), written before every boot.
util::Status RabbitmqService::start() {
  for (const char* sub : {"home", "mnesia", "log"}) {
    if (auto st = make_dir(m_dir / sub); !st) return st;
  }
  const auto cookie = m_dir / "home" / ".erlang.cookie";
  std::filesystem::remove(cookie);
  if (auto st = write_file(cookie, random_token(32)); !st) return st;
  std::filesystem::permissions(cookie, std::filesystem::perms::owner_read);
  if (auto st = write_file(m_dir / "rabbitmq-env.conf", ""); !st) return st;
  if (auto st = write_file(m_dir / "advanced.config", "[].\n"); !st) return st;
  if (auto st = write_file(m_dir / "enabled_plugins", "[rabbitmq_management].\n"); !st) return st;
  const std::string conf = rabbitmq_conf(m_port, m_management_port, m_user, m_password, m_settings);
  if (auto st = write_file(m_dir / "rabbitmq.conf", conf); !st) return st;  // 0600: it holds the admin password

  process::SpawnOptions options;
  options.argv = {m_server.string()};
  options.environment = environment();
  options.working_directory = m_dir;
  return spawn(std::move(options));
}

// The AMQP port opens ~4-4.7 s after launch (the management API answers ~1 s later). `rabbitmqctl await_startup`
// fails at once (exit 69) until the node has registered, and every rabbitmqctl call costs ~0.6-0.7 s (it boots an
// Erlang VM): readiness is polled with an AMQP handshake instead, a few milliseconds each.
ReadyPoll RabbitmqService::poll_ready() {
  if (auto status = exit_status()) {
    const std::string refused = configuration_errors(read_log());
    if (refused.empty()) return {Readiness::k_failed, exited_detail(*status)};
    return {Readiness::k_failed, failure_detail("exited with " + status->describe() +
                                                ": its configuration was refused:\n" + refused)};
  }
  if (!amqp_handshake(m_port, k_handshake_timeout)) return {Readiness::k_not_yet, "AMQP port not answering yet"};
  static const std::regex k_version(R"(Starting RabbitMQ ([0-9][0-9A-Za-z.+~-]*))");
  std::smatch match;
  const std::string log = read_log();
  if (std::regex_search(log, match, k_version)) set_version(match[1]);
  return {Readiness::k_ready, {}};
}

// The launcher script does not exec beam.smp: the broker's own pid is the one RABBITMQ_PID_FILE holds, and a
// signal meant for the broker goes there, not to the main pid.
std::optional<pid_t> RabbitmqService::beam_pid() const {
  std::ifstream in(m_dir / "rabbitmq.pid");
  pid_t pid = 0;
  if (in >> pid && pid > 0) return pid;
  return std::nullopt;
}

std::optional<pid_t> RabbitmqService::server_pid() const {
  const auto own = beam_pid();
  if (!own) return std::nullopt;
  const auto pid = host_pid(*own);  // the pid file holds the pid in the node's own PID namespace (a container's)
  if (!pid) return std::nullopt;
  std::ifstream comm("/proc/" + std::to_string(*pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  if (!name.starts_with("beam")) return std::nullopt;
  return pid;
}

util::Expected<process::CommandResult> RabbitmqService::control(const std::vector<std::string>& args,
                                                               std::chrono::milliseconds timeout) const {
  process::SpawnOptions options;
  options.argv = {(m_server.parent_path() / "rabbitmqctl").string()};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.environment = environment();
  options.working_directory = m_dir;
  auto result = process::run_command(options, timeout);
  if (result.spawn_failed) return util::Status::infrastructure("cannot run rabbitmqctl: " + result.output);
  return result;
}

void RabbitmqService::stop(std::chrono::milliseconds grace) {
  // beam.smp is in the launcher's process group; SIGTERM makes Erlang shut down cleanly (init:stop).
  const auto beam = server_pid();
  LocalService::stop(grace);
  if (beam) ::kill(*beam, SIGKILL);  // in case it left the group; harmless if gone
}

std::map<std::string, std::string> RabbitmqService::placeholders() const {
  const auto port = std::to_string(m_port);
  std::map<std::string, std::string> table{
      {"host", "127.0.0.1"},
      {"port", port},
      {"user", m_user},
      {"password", m_password},
      {"vhost", "/"},
      {"url", "amqp://" + m_user + ":" + m_password + "@127.0.0.1:" + port + "//"},
      {"management_port", std::to_string(m_management_port)},
      {"management_url", "http://127.0.0.1:" + std::to_string(m_management_port)},
      {"node", m_node},
      {"dir", m_dir.string()},
  };
  for (const auto& [key, value] : m_settings) table["config." + key] = value;
  return table;
}

bool amqp_handshake(std::uint16_t port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto connection = process::LoopbackConnection::connect(port, timeout);
  if (connection.result() != process::LoopbackConnection::Result::k_connected) return false;
  const int fd = connection.fd();
  auto wait = [&](short events) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, static_cast<int>(left.count())) == 1 && (p.revents & events);
  };
  static const char k_header[] = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
  if (::send(fd, k_header, sizeof k_header, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof k_header)) return false;
  if (!wait(POLLIN)) return false;
  unsigned char frame_type = 0;
  // Frame type 1 = METHOD (Connection.Start). A broker that rejects the version answers "AMQP..." instead.
  return ::recv(fd, &frame_type, 1, 0) == 1 && frame_type == 1;
}

}  // namespace harness::driver::local
