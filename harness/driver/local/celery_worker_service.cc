#include "harness/driver/local/celery_worker_service.h"

#include <cstdlib>
#include <regex>

namespace harness::driver::local {

namespace {
constexpr auto k_ping_timeout = std::chrono::seconds{10};

bool names_its_node(const std::string& command) {
  static const std::regex k_node_option(R"((^|\s)(-n|--hostname)(\s|=))");
  return std::regex_search(command, k_node_option);
}
}  // namespace

std::filesystem::path fixtures_dir() {
  if (const char* dir = std::getenv("CELERY_CHAOS_FIXTURES"); dir && *dir) return dir;
  return std::filesystem::path(CELERY_CHAOS_SOURCE_DIR) / "fixtures" / "celery";
}

// Debian's `celery` script does not run with every python3 on PATH (a pyenv python3 without Celery may come first):
// the shim runs `<python> -m celery` with the scenario's interpreter.
util::Status write_worker_shims(const std::filesystem::path& bin_dir, const std::string& python) {
  if (auto st = make_dir(bin_dir); !st) return st;
  // Scripts, not symlinks: the interpreter then sees its own path as sys.executable, as when it is run directly.
  const std::pair<const char*, std::string> shims[] = {
      {"celery", "exec '" + python + "' -m celery \"$@\"\n"},
      {"python3", "exec '" + python + "' \"$@\"\n"},
      {"python", "exec '" + python + "' \"$@\"\n"},
  };
  for (const auto& [name, body] : shims) {
    if (auto st = write_script(bin_dir / name, body); !st) return st;
  }
  return util::Status::ok();
}

util::Expected<std::unique_ptr<CeleryWorkerService>> CeleryWorkerService::create(const scenario::Service& spec,
                                                                                int replica,
                                                                                const WorkerSettings& settings,
                                                                                const RunPaths& paths) {
  const std::string name = spec.name + "." + std::to_string(replica);
  std::unique_ptr<CeleryWorkerService> w(new CeleryWorkerService(name, spec.name, paths.logs_dir / (name + ".log")));
  w->m_settings = settings;
  w->m_app = spec.app;
  w->m_node = spec.name + "-" + std::to_string(replica) + "@" + settings.run_token;

  w->m_environment = {
      {"CELERY_BROKER_URL", settings.broker_url},
      {"CELERY_CHAOS_CONFIG", spec.config.dump()},
      {"CELERY_CHAOS_NODE", w->m_node},
      {"CELERY_CHAOS_PYTHON", settings.python},
      {"PYTHONPATH", settings.fixtures_dir.string()},
      {"PYTHONUNBUFFERED", "1"},
      {"PATH", path_with_first(settings.bin_dir)},
  };
  if (!settings.backend_url.empty()) w->m_environment["CELERY_RESULT_BACKEND"] = settings.backend_url;
  if (!settings.ledger_url.empty()) w->m_environment["CELERY_CHAOS_LEDGER_URL"] = settings.ledger_url;
  if (!settings.await.empty()) w->m_environment["CELERY_CHAOS_AWAIT"] = settings.await;
  for (const auto& [key, value] : spec.environment) w->m_environment[key] = value;

  if (spec.command) {
    w->m_command = *spec.command;
    if (!names_its_node(w->m_command) && w->m_command.find("worker") != std::string::npos) {
      w->m_command += " -n " + w->m_node;
    }
  } else {
    w->m_command = "celery -A " + spec.app + " worker -n " + w->m_node + " --concurrency " +
                   std::to_string(spec.concurrency) + " --loglevel INFO --without-gossip --without-mingle";
  }
  return w;
}

util::Status CeleryWorkerService::start() {
  m_saw_ready = false;
  process::SpawnOptions options;
  options.argv = process::shell("exec " + m_command);
  options.environment = m_environment;
  options.unset_environment = {"PYTHONHOME"};
  options.working_directory = m_settings.fixtures_dir;
  return spawn(std::move(options));
}

// "ready." appears in the log ~0.8-1.0 s after start, and `inspect ping -d NODE` first answers at ~1.2-1.4 s
// (~0.4 s a call; without a reply it prints "Error: No nodes replied within time constraint" and exits 69).
// `celery status` is not used: it always waits its whole --timeout.
ReadyPoll CeleryWorkerService::poll_ready() {
  if (auto status = exit_status()) return {Readiness::k_failed, failure_detail("exited with " + status->describe())};
  if (!m_saw_ready) {
    const std::string log = read_log();
    static const std::regex k_ready(R"(@\S+ ready\.)");
    if (!std::regex_search(log, k_ready)) return {Readiness::k_not_yet, "no 'ready.' in its log yet"};
    m_saw_ready = true;
    static const std::regex k_version(R"( v([0-9]+\.[0-9]+\.[0-9]+[^ ]*) \()");
    std::smatch match;
    if (std::regex_search(log, match, k_version)) set_version(match[1]);
  }
  process::SpawnOptions ping;
  ping.argv = {m_settings.python, "-m", "celery", "-A", m_app, "inspect", "ping", "-d", m_node, "--timeout", "2"};
  ping.environment = m_environment;
  if (!m_settings.direct_broker_url.empty()) ping.environment["CELERY_BROKER_URL"] = m_settings.direct_broker_url;
  ping.unset_environment = {"PYTHONHOME"};
  ping.working_directory = m_settings.fixtures_dir;
  const auto result = process::run_command(ping, k_ping_timeout);
  if (!result.succeeded()) return {Readiness::k_not_yet, "inspect ping -d " + m_node + " not answered yet"};
  return {Readiness::k_ready, {}};
}

std::map<std::string, std::string> CeleryWorkerService::placeholders() const {
  return {
      {"node", m_node},
      {"python", m_settings.python},
      {"broker_url", m_settings.broker_url},
      {"backend_url", m_settings.backend_url},
      {"fixtures", m_settings.fixtures_dir.string()},
      {"app", m_app},
  };
}

}  // namespace harness::driver::local
