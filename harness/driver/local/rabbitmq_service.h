#pragma once
// A private RabbitMQ node: /usr/lib/rabbitmq/bin/rabbitmq-server called directly (the /usr/sbin
// wrappers switch users), its own HOME/cookie, mnesia, epmd port (ERL_EPMD_ADDRESS=127.0.0.1) and dist port, all
// bound to 127.0.0.1, generated credentials, the management plugin on. Logs go to stdout, i.e. logs/<name>.log.
// Ready = an AMQP 0-9-1 handshake gets Connection.Start (no rabbitmqctl: each call costs ~0.65 s).
#include "harness/driver/local/local_service.h"
#include "harness/driver/driver.h"

namespace harness::driver::local {

class RabbitmqService final : public LocalService {
public:
  static util::Expected<std::unique_ptr<RabbitmqService>> create(const scenario::Service& spec, const RunPaths& paths);

  std::string kind() const override { return "rabbitmq"; }
  util::Status start() override;
  ReadyPoll poll_ready() override;
  std::string readiness_condition() const override {
    return "an AMQP handshake on 127.0.0.1:" + std::to_string(m_port) + " gets Connection.Start";
  }
  void stop(std::chrono::milliseconds grace) override;
  std::map<std::string, std::string> placeholders() const override;
  std::vector<std::uint16_t> ports() const override { return {m_port, m_dist_port, m_epmd_port, m_management_port}; }

  // The environment rabbitmqctl needs to reach this node (same HOME/cookie, epmd port).
  std::map<std::string, std::string> ctl_environment() const;
  // The node's environment (ctl_environment()) with /usr/lib/rabbitmq/bin first on PATH: its rabbitmqctl,
  // rabbitmq-diagnostics and rabbitmq-plugins work as root there (the /usr/sbin wrappers switch to the rabbitmq
  // user and its HOME, losing the node's cookie), so `exec: {service: broker, command: rabbitmqctl ...}` reaches
  // this node as `docker exec` would.
  std::map<std::string, std::string> exec_environment() const override;
  // The beam.smp pid from RABBITMQ_PID_FILE (the launcher script does not exec beam).
  std::optional<pid_t> beam_pid() const;
  // beam_pid() while that process is alive and still a beam (a stale pid file after a kill names nobody).
  std::optional<pid_t> server_pid() const override;
  // rabbitmqctl ARGS against this node (~0.5-0.7 s a call: it boots an Erlang VM).
  util::Expected<process::CommandResult> control(const std::vector<std::string>& args,
                                                 std::chrono::milliseconds timeout) const override;

private:
  RabbitmqService(std::string name, std::filesystem::path log, std::filesystem::path dir, std::filesystem::path server);
  std::map<std::string, std::string> environment() const;

  std::filesystem::path m_dir;
  std::filesystem::path m_server;
  std::string m_node;
  std::string m_user;
  std::string m_password;
  std::uint16_t m_port = 0;
  std::uint16_t m_dist_port = 0;
  std::uint16_t m_epmd_port = 0;
  std::uint16_t m_management_port = 0;
  std::map<std::string, std::string> m_settings;  // the scenario's `config:` (rabbitmq.conf keys)
};

// rabbitmq.conf: the harness's lines (addresses, credentials, a log on stdout, statistics every second), then the
// scenario's `settings` (`key = value`), which replace the harness's defaults of the same keys.
std::string rabbitmq_conf(std::uint16_t port, std::uint16_t management_port, const std::string& user,
                          const std::string& password, const std::map<std::string, std::string>& settings);

// What a node that would not boot said about its configuration: cuttlefish's lines ("Conf file attempted to set
// unknown variable: x", "Error transforming datatype for: heartbeat", "You've tried to set x, ...") from the log,
// each once, without their timestamps; empty when there are none. They come first in a log of ~50 lines of crash
// reports, out of reach of its last lines.
std::string configuration_errors(const std::string& log);

// Sends the AMQP 0-9-1 protocol header to 127.0.0.1:port and waits up to `timeout` for the first frame of
// Connection.Start. True when the broker answered as an AMQP broker.
bool amqp_handshake(std::uint16_t port, std::chrono::milliseconds timeout);

}  // namespace harness::driver::local
