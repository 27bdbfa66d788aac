#include "harness/driver/local/celery_monitor_service.h"

namespace harness::driver::local {

namespace {
// What monitor.py prints once its queue consumes, and for each worker whose status turns online.
constexpr const char* k_listening = "celery-chaos monitor: listening on ";
std::string online_line(const std::string& node) { return "celery-chaos monitor: " + node + " online"; }

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}
}  // namespace

std::unique_ptr<CeleryMonitorService> CeleryMonitorService::create(const scenario::Service& spec,
                                                                   const MonitorSettings& settings,
                                                                   const RunPaths& paths) {
  std::unique_ptr<CeleryMonitorService> m(new CeleryMonitorService(spec.name, paths.logs_dir / (spec.name + ".log")));
  m->m_settings = settings;
  // Beside its log: the logs folder is the report's, and the docker driver mounts it at the same path. Absolute:
  // monitor.py runs in the fixtures folder, and a report folder given relative (`--report-dir reports`, as
  // scripts/bootstrap does) would name a file there.
  m->m_events = std::filesystem::absolute(paths.logs_dir / (spec.name + ".events.jsonl"));
  m->m_environment = {
      {"CELERY_BROKER_URL", settings.broker_url},
      {"CELERY_CHAOS_CONFIG", spec.config.dump()},
      {"PYTHONUNBUFFERED", "1"},
  };
  return m;
}

util::Status CeleryMonitorService::start() {
  process::SpawnOptions options;
  options.argv = {m_settings.python, (m_settings.fixtures_dir / "monitor.py").string(), "--out", m_events.string()};
  options.environment = m_environment;
  options.unset_environment = {"PYTHONHOME"};
  options.working_directory = m_settings.fixtures_dir;
  return spawn(std::move(options));
}

ReadyPoll CeleryMonitorService::poll_ready() {
  if (auto status = exit_status()) return {Readiness::k_failed, exited_detail(*status)};
  const std::string log = read_log();
  if (log.find(k_listening) == std::string::npos) return {Readiness::k_not_yet, "not listening for events yet"};
  std::vector<std::string> unseen;
  for (const auto& node : m_settings.nodes)
    if (log.find(online_line(node)) == std::string::npos) unseen.push_back(node);
  if (!unseen.empty()) return {Readiness::k_not_yet, "no heartbeat of " + joined(unseen) + " yet"};
  return {Readiness::k_ready, {}};
}

std::string CeleryMonitorService::readiness_condition() const {
  return "'listening on' in its log, then every worker it watches seen online (" + joined(m_settings.nodes) + ")";
}

std::map<std::string, std::string> CeleryMonitorService::placeholders() const {
  return {{"events", m_events.string()}, {"broker_url", m_settings.broker_url}, {"python", m_settings.python}};
}

}  // namespace harness::driver::local
