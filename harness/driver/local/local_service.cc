#include "harness/driver/local/local_service.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <utility>

#include "harness/process/proc_stat.h"
#include "harness/util/log_tail.h"
#include "harness/util/private_dir.h"

namespace harness::driver::local {

std::shared_ptr<Runtime> LocalService::runtime() const {
  std::lock_guard lock(m_runtime_mutex);
  return m_runtime;
}

std::optional<process::ExitStatus> LocalService::exit_status() const {
  const auto current = runtime();
  if (!current) return std::nullopt;
  return current->exit_status();
}

std::optional<pid_t> LocalService::main_pid() const {
  const auto current = runtime();
  if (!current) return std::nullopt;
  return current->main_pid();
}

std::optional<pid_t> LocalService::host_pid(pid_t own_pid) const {
  const auto current = runtime();
  if (!current || !current->running()) return std::nullopt;
  return current->host_pid(own_pid);
}

bool LocalService::running() const {
  const auto current = runtime();
  return current && current->running();
}

nlohmann::json LocalService::identity() const {
  const auto current = runtime();
  if (!current || !current->running()) return nlohmann::json::object();
  return current->identity();
}

bool LocalService::set_priority(int nice) const {
  const auto current = runtime();
  return current && current->running() && current->set_priority(nice);
}

util::Status LocalService::freeze(bool frozen) {
  const auto current = runtime();
  if (!current || !current->running()) return util::Status::infrastructure(name() + " does not run: nothing to freeze");
  return current->freeze(frozen);
}

SignalResult LocalService::signal(SignalTarget target, int sig) {
  const auto current = runtime();
  if (!current || !current->running()) return {};
  if (target != SignalTarget::k_server) return current->signal(target, sig);
  SignalResult result;
  if (const auto pid = server_pid(); pid && ::kill(*pid, sig) == 0) {
    result.processes.push_back(*pid);
    result.delivered = true;
  }
  return result;
}

void LocalService::stop(std::chrono::milliseconds grace) {
  const auto current = runtime();
  if (current && current->running()) current->stop(grace);
}

process::CommandResult LocalService::run_in(const process::SpawnOptions& options,
                                            std::chrono::milliseconds timeout) const {
  const auto current = runtime();
  if (!current) return process::run_command(options, timeout);
  return current->exec(options, timeout);
}

std::optional<std::string> LocalService::use_engine_health_check(const EngineHealthCheck& check) {
  if (!m_engine_health) return std::nullopt;
  m_health_check = check;
  return m_engine_health(check);
}

std::optional<EngineHealth> LocalService::engine_health() const {
  const auto current = runtime();
  if (!m_health_check || !current || !current->running()) return std::nullopt;
  return current->engine_health();
}

// An engine is there when the launcher's runtimes have one (set_launcher's engine_health).
bool LocalService::use_engine_restart_policy(const std::string& policy) {
  if (!m_engine_health) return false;
  m_restart_policy = policy;
  return true;
}

int LocalService::engine_restarts() const {
  const auto current = runtime();
  return current ? current->engine_restarts() : 0;
}

void LocalService::hold_engine_restarts() {
  if (const auto current = runtime()) current->hold_engine_restarts();
}

std::vector<EngineEvent> LocalService::take_engine_events() {
  const auto current = runtime();
  return current ? current->take_engine_events() : std::vector<EngineEvent>{};
}

bool LocalService::use_engine_orchestrator(const EngineOrchestration& orchestration) {
  if (!m_orchestrates) return false;
  m_orchestration = orchestration;
  return true;
}

std::string LocalService::engine_exit_reason() const {
  const auto current = runtime();
  return current ? current->exit_reason() : std::string{};
}

util::Expected<RolloutOutcome> LocalService::roll_out(const RolloutChange& change, std::chrono::milliseconds timeout) {
  const auto current = runtime();
  if (!current || exit_status()) return util::Status::invalid("rollout of '" + name() + "': it does not run");
  return current->roll_out(name(), change, timeout);
}

std::string LocalService::version() const {
  std::lock_guard lock(m_version_mutex);
  return m_version;
}

void LocalService::set_version(std::string version) {
  std::lock_guard lock(m_version_mutex);
  m_version = std::move(version);
}

util::Status LocalService::spawn(process::SpawnOptions options, std::string image) {
  options.log_file = m_log_path;
  // A restarted service appends to the same log: readiness markers are looked for after this offset only.
  std::error_code ec;
  const auto size = std::filesystem::file_size(m_log_path, ec);
  m_log_offset = ec ? 0 : size;
  auto launched =
      m_launcher(Launch{std::move(options), m_name, kind(), std::move(image), m_health_check, m_restart_policy, m_orchestration});
  if (!launched) return launched.error();
  std::shared_ptr<Runtime> previous;
  {
    std::lock_guard lock(m_runtime_mutex);
    previous = std::exchange(m_runtime, std::move(launched.value()));
  }
  // `previous` (an exited process, or one a reader still holds) is released outside the lock: its destructor may
  // wait for the reaper (or remove a container).
  return util::Status::ok();
}

util::Expected<std::unique_ptr<Client>> LocalService::launch_client(const process::SpawnOptions& options,
                                                                    const std::string& client,
                                                                    const std::vector<std::filesystem::path>& writes) const {
  return local::launch_client(m_launcher, options, m_name + "-" + client, writes);
}

std::string LocalService::failure_detail(const std::string& what) const {
  std::ostringstream out;
  out << "service '" << m_name << "' " << what;
  const std::string tail = util::tail_file(m_log_path, 20);
  if (!tail.empty()) out << "\n--- last lines of " << m_log_path.string() << " ---\n" << tail;
  return out.str();
}

std::string LocalService::exited_detail(const process::ExitStatus& status) const {
  const auto current = runtime();
  return failure_detail("exited with " + status.describe() + (current ? current->exit_hint(status) : ""));
}

std::string LocalService::read_log() const {
  std::ifstream in(m_log_path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(m_log_offset.load()));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string random_token(std::size_t length) {
  static const char k_alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(k_alphabet) - 2);
  std::string token;
  for (std::size_t i = 0; i < length; ++i) token += k_alphabet[pick(engine)];
  return token;
}

util::Status make_dir(const std::filesystem::path& dir) {
  // Every missing folder 0700 (mkdir's mode, not the umask's 0755); existing ones are left as they are: a
  // PostgreSQL folder given to the postgres user stays its.
  std::vector<std::filesystem::path> missing;
  std::error_code ec;
  for (auto p = dir; !p.empty() && !std::filesystem::exists(p, ec); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
      return util::Status::infrastructure("cannot create " + it->string() + ": " + std::strerror(errno));
    }
  }
  return util::Status::ok();
}

util::Status write_file(const std::filesystem::path& path, const std::string& content) {
  return util::write_private_file(path, content);
}

util::Status write_script(const std::filesystem::path& path, const std::string& body) {
  if (auto st = write_file(path, "#!/bin/sh\n" + body); !st) return st;
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec, ec);
  if (ec) return util::Status::infrastructure("cannot make " + path.string() + " executable: " + ec.message());
  return util::Status::ok();
}

std::string path_with_first(const std::filesystem::path& dir) {
  const char* path = std::getenv("PATH");
  return dir.string() + ":" + (path && *path ? path : "/usr/bin:/bin");
}

}  // namespace harness::driver::local
