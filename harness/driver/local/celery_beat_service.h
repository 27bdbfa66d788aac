#pragma once
// One celery beat replica: `celery -A probe beat` of the fixture app, with the default file scheduler
// (PersistentScheduler) keeping its schedule file in the instance's folder of the run (NAME.N/celerybeat-schedule;
// Python's dbm may add a suffix such as .db), or django-celery-beat's DatabaseScheduler on a postgres service
// (`scheduler: {database: db}`: DJANGO_SETTINGS_MODULE=beat_django_settings, the fixture settings module, with the
// database from CELERY_CHAOS_BEAT_DATABASE_URL; its tables are django-admin migrate's to create, not the harness's).
// It gets the environment of a worker (broker URL, CELERY_CHAOS_CONFIG, the ledger, the awaited ports and the
// interpreter shims: celery_worker_service.h) plus CELERY_CHAOS_BEAT_SCHEDULE, the scenario's `schedule:` as JSON,
// from which the fixture app builds its beat_schedule. Ready = "beat: Starting..." in its log (beat logs it once
// its scheduler is set up, before the first send; it never prints a worker's "ready.").
#include "harness/driver/local/celery_worker_service.h"

namespace harness::driver::local {

// A DatabaseScheduler's store (`scheduler: {database: SERVICE}`); empty url: the file scheduler.
struct BeatDatabase {
  std::string url;    // postgresql://USER:PASSWORD@127.0.0.1:PORT/DATABASE
  std::string await;  // "127.0.0.1:PORT"
};

class CeleryBeatService final : public LocalService {
public:
  static util::Expected<std::unique_ptr<CeleryBeatService>> create(const scenario::Service& spec, int replica,
                                                                   const WorkerSettings& settings,
                                                                   const BeatDatabase& database,
                                                                   const RunPaths& paths);

  std::string kind() const override { return "celery-beat"; }
  util::Status start() override;
  ReadyPoll poll_ready() override;
  std::string readiness_condition() const override { return "'beat: Starting...' in its log"; }
  std::map<std::string, std::string> placeholders() const override;
  std::map<std::string, std::string> exec_environment() const override { return m_environment; }
  std::filesystem::path exec_working_directory() const override { return m_settings.fixtures_dir; }

private:
  CeleryBeatService(std::string name, std::string scenario_service, std::filesystem::path log)
      : LocalService(std::move(name), std::move(scenario_service), std::move(log)) {}

  WorkerSettings m_settings;
  std::filesystem::path m_schedule_file;
  std::string m_command;
  std::map<std::string, std::string> m_environment;
};

// Its scheduler: Celery's default file scheduler (PersistentScheduler) recording each send (its entry and tick) in
// the ledger and in the task's headers (fixtures/celery/celery_chaos_beat.py).
inline constexpr const char* k_beat_scheduler = "celery_chaos_beat:RecordingPersistentScheduler";
inline constexpr const char* k_beat_database_scheduler = "celery_chaos_beat:RecordingDatabaseScheduler";

// The environment variable holding a beat's `schedule:` (JSON) for the fixture app.
inline constexpr const char* k_beat_schedule_variable = "CELERY_CHAOS_BEAT_SCHEDULE";

}  // namespace harness::driver::local
