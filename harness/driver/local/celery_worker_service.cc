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

// `--include celery_chaos_probe` added to a worker command, or the module appended to the command's own
// `--include`/`-I` list: Celery keeps only the last of several --include options.
std::string with_probe_include(const std::string& command) {
  if (command.find(k_probe_module) != std::string::npos) return command;
  static const std::regex k_include_option(R"((^|\s)(-I|--include)(\s+|=)(\S+))");
  std::smatch match;
  if (!std::regex_search(command, match, k_include_option)) return command + " --include " + k_probe_module;
  const auto end = static_cast<std::size_t>(match.position(4) + match.length(4));
  return command.substr(0, end) + "," + k_probe_module + command.substr(end);
}


// " -Q a,b" for a worker's `queues:`, or nothing.
std::string queue_option(const std::vector<std::string>& queues) {
  std::string option;
  for (const auto& queue : queues) option += (option.empty() ? " -Q " : ",") + queue;
  return option;
}
}  // namespace

std::string worker_command(const scenario::Service& spec, const std::string& node) {
  if (!spec.command) {
    std::string command = "celery -A " + spec.app + " worker -n " + node + " --concurrency " +
                          std::to_string(spec.concurrency) + (spec.pool.empty() ? "" : " --pool " + spec.pool) +
                          queue_option(spec.queues) + " --loglevel INFO --without-gossip --without-mingle";
    // The fixture app imports the probe module itself; another app gets it as any worker command does.
    return spec.app == k_fixture_app ? command : with_probe_include(command);
  }
  std::string command = *spec.command;
  // Only a command that runs a worker: `celery -A x inspect ...` or a script given as the command has no such options.
  if (command.find("worker") == std::string::npos) return command;
  if (!names_its_node(command)) command += " -n " + node;
  return with_probe_include(command);
}

std::map<std::string, std::string> celery_environment(const scenario::Service& spec, const WorkerSettings& settings,
                                                      const std::string& node,
                                                      const std::map<std::string, std::string>& own) {
  std::map<std::string, std::string> environment = {
      {"CELERY_BROKER_URL", settings.broker_url},
      {"CELERY_CHAOS_CONFIG", spec.config.dump()},
      {"CELERY_CHAOS_NODE", node},
      {"CELERY_CHAOS_PYTHON", settings.python},
      {"PYTHONUNBUFFERED", "1"},
      {"PATH", path_with_first(settings.bin_dir)},
  };
  if (!settings.backend_url.empty()) environment["CELERY_RESULT_BACKEND"] = settings.backend_url;
  if (!settings.ledger_url.empty()) environment["CELERY_CHAOS_LEDGER_URL"] = settings.ledger_url;
  if (!settings.await.empty()) environment["CELERY_CHAOS_AWAIT"] = settings.await;
  if (!settings.queues.empty()) environment["CELERY_CHAOS_QUEUES"] = settings.queues;
  for (const auto& [key, value] : own) environment[key] = value;
  for (const auto& [key, value] : spec.environment) environment[key] = value;
  // A PYTHONPATH of the scenario's (a team's app folder) comes first; the probe module stays importable.
  environment["PYTHONPATH"] = python_path_with_probe(spec.environment, settings.fixtures_dir);
  return environment;
}

std::string worker_node(const std::string& service, int replica, const std::string& run_id) {
  return service + "-" + std::to_string(replica) + "@cc-" + run_id;
}

std::string python_path_with_probe(const std::map<std::string, std::string>& environment,
                                   const std::filesystem::path& fixtures) {
  const auto own = environment.find("PYTHONPATH");
  if (own == environment.end() || own->second.empty()) return fixtures.string();
  return own->second + ":" + fixtures.string();
}

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
  w->m_image = scenario::own_image(spec);
  w->m_node = worker_node(spec.name, replica, paths.run_id);

  w->m_environment = celery_environment(spec, settings, w->m_node, {});
  w->m_command = worker_command(spec, w->m_node);
  return w;
}

util::Status CeleryWorkerService::start() {
  m_saw_ready = false;
  process::SpawnOptions options;
  options.argv = process::shell("exec " + m_command);
  options.environment = m_environment;
  options.unset_environment = {"PYTHONHOME"};
  options.working_directory = m_settings.fixtures_dir;
  return spawn(std::move(options), m_image);
}

// "ready." appears in the log ~0.8-1.0 s after start, and `inspect ping -d NODE` first answers at ~1.2-1.4 s
// (~0.4 s a call; without a reply it prints "Error: No nodes replied within time constraint" and exits 69).
// `celery status` is not used: it always waits its whole --timeout.
ReadyPoll CeleryWorkerService::poll_ready() {
  if (auto status = exit_status()) return {Readiness::k_failed, exited_detail(*status)};
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
  // The ping runs where the worker runs (in its container under the docker driver), with the stack's own Celery
  // and kombu: a client of another release may not be answered (kombu 5.2's over a Sentinel-managed Redis is not
  // by kombu 5.5's worker). A team's own image may have no python3 where the stack's has it: its worker is pinged
  // from where the harness runs, with the fixture app (configured from the same CELERY_BROKER_URL; a ping needs
  // nothing else).
  const std::string app = m_image.empty() ? m_app : std::string(k_fixture_app);
  ping.argv = {m_settings.python, "-m", "celery", "-A", app, "inspect", "ping", "-d", m_node, "--timeout", "2"};
  ping.environment = m_environment;
  if (!m_settings.direct_broker_url.empty()) ping.environment["CELERY_BROKER_URL"] = m_settings.direct_broker_url;
  ping.unset_environment = {"PYTHONHOME"};
  ping.working_directory = m_settings.fixtures_dir;
  const auto result = m_image.empty() ? exec(ping, k_ping_timeout) : process::run_command(ping, k_ping_timeout);
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
