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
  // A worker's environment, with the DatabaseScheduler's database awaited too.
  WorkerSettings with_database = settings;
  if (!database.await.empty())
    with_database.await += (with_database.await.empty() ? "" : " ") + database.await;
  std::map<std::string, std::string> own = {{k_beat_schedule_variable, spec.schedule.dump()}};
  if (!database.url.empty()) {
    own["DJANGO_SETTINGS_MODULE"] = "beat_django_settings";
    own["CELERY_CHAOS_BEAT_DATABASE_URL"] = database.url;
  }
  beat->m_environment = celery_environment(spec, with_database, name, own);
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
