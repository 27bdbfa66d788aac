#include "harness/driver/local/celery_beat_service.h"

#include <regex>

namespace harness::driver::local {

util::Expected<std::unique_ptr<CeleryBeatService>> CeleryBeatService::create(const scenario::Service& spec,
                                                                            int replica,
                                                                            const WorkerSettings& settings,
                                                                            const BeatDatabase& database,
                                                                            const RunPaths& paths) {
  const std::string name = spec.name + "." + std::to_string(replica);
  std::unique_ptr<CeleryBeatService> beat(new CeleryBeatService(name, spec.name, paths.logs_dir / (name + ".log")));
  beat->m_settings = settings;
  // Each replica its own file, as each pod of a Deployment has its own: kept across restarts of the instance.
  const auto folder = paths.work_dir / name;
  if (auto st = make_dir(folder); !st) return st;
  beat->m_schedule_file = folder / "celerybeat-schedule";
  beat->m_environment = {
      {"CELERY_BROKER_URL", settings.broker_url},
      {"CELERY_CHAOS_CONFIG", spec.config.dump()},
      {"CELERY_CHAOS_NODE", name},
      {"CELERY_CHAOS_PYTHON", settings.python},
      {k_beat_schedule_variable, spec.schedule.dump()},
      {"PYTHONUNBUFFERED", "1"},
      {"PATH", path_with_first(settings.bin_dir)},
  };
  if (!settings.ledger_url.empty()) beat->m_environment["CELERY_CHAOS_LEDGER_URL"] = settings.ledger_url;
  std::string await = settings.await;
  if (!database.await.empty()) await += (await.empty() ? "" : " ") + database.await;
  if (!await.empty()) beat->m_environment["CELERY_CHAOS_AWAIT"] = await;
  if (!database.url.empty()) {
    beat->m_environment["DJANGO_SETTINGS_MODULE"] = "beat_django_settings";
    beat->m_environment["CELERY_CHAOS_BEAT_DATABASE_URL"] = database.url;
  }
  for (const auto& [key, value] : spec.environment) beat->m_environment[key] = value;
  beat->m_environment["PYTHONPATH"] = python_path_with_probe(spec.environment, settings.fixtures_dir);
  // No --pidfile: Celery 5's beat writes none by default, so replicas sharing the fixtures folder do not collide.
  beat->m_command = "celery -A " + std::string(k_fixture_app) + " beat --loglevel INFO -S " +
                    (database.url.empty() ? k_beat_scheduler : k_beat_database_scheduler) + " -s '" +
                    beat->m_schedule_file.string() + "'";
  return beat;
}

util::Status CeleryBeatService::start() {
  process::SpawnOptions options;
  options.argv = process::shell("exec " + m_command);
  options.environment = m_environment;
  options.unset_environment = {"PYTHONHOME"};
  options.working_directory = m_settings.fixtures_dir;
  return spawn(std::move(options));
}

// Beat logs "beat: Starting..." once its scheduler is set up (~1 s after start), then sends each entry when due.
// A beat whose scheduler fails to set up logs the error and exits: failed, with its exit status.
ReadyPoll CeleryBeatService::poll_ready() {
  if (auto status = exit_status()) return {Readiness::k_failed, exited_detail(*status)};
  const std::string log = read_log();
  if (log.find("beat: Starting...") == std::string::npos)
    return {Readiness::k_not_yet, "no 'beat: Starting...' in its log yet"};
  static const std::regex k_version(R"(celery beat v([0-9]+\.[0-9]+\.[0-9]+[^ ]*) )");
  std::smatch match;
  if (std::regex_search(log, match, k_version)) set_version(match[1]);
  return {Readiness::k_ready, {}};
}

std::map<std::string, std::string> CeleryBeatService::placeholders() const {
  return {
      {"python", m_settings.python},
      {"broker_url", m_settings.broker_url},
      {"fixtures", m_settings.fixtures_dir.string()},
      {"schedule_file", m_schedule_file.string()},
  };
}

}  // namespace harness::driver::local
