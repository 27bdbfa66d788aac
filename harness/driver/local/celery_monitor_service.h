#pragma once
// The celery-monitor service: fixtures/celery/monitor.py, Celery's event receiver and State (what Flower shows),
// appending what it sees as JSON lines to `<logs>/<name>.events.jsonl` (placeholder `events`), which the runner
// records in the History (run/monitor_follower.h). Configured as a worker is: CELERY_BROKER_URL and
// CELERY_CHAOS_CONFIG (the service's `config:`). Ready once its log says it is listening and every worker it
// watches was seen online: a heartbeat received, so a fault right after `wait: {ready: all}` strikes a worker the
// monitor knows (its `worker-online` may be sent before the monitor's queue exists, and is then lost; the monitor's
// wake-up asks every worker for a heartbeat at once).
#include <string>
#include <vector>

#include "harness/driver/driver.h"
#include "harness/driver/local/local_service.h"

namespace harness::driver::local {

struct MonitorSettings {
  std::string python;                 // interpreter path
  std::string broker_url;
  std::filesystem::path fixtures_dir;
  std::vector<std::string> nodes;     // the node names of the workers it watches (readiness)
};

class CeleryMonitorService final : public LocalService {
public:
  static std::unique_ptr<CeleryMonitorService> create(const scenario::Service& spec, const MonitorSettings& settings,
                                                      const RunPaths& paths);

  std::string kind() const override { return "celery-monitor"; }
  util::Status start() override;
  ReadyPoll poll_ready() override;
  std::string readiness_condition() const override;
  std::map<std::string, std::string> placeholders() const override;
  std::map<std::string, std::string> exec_environment() const override { return m_environment; }
  std::filesystem::path exec_working_directory() const override { return m_settings.fixtures_dir; }

  // The JSON lines file it appends its events to.
  const std::filesystem::path& events_path() const { return m_events; }

private:
  CeleryMonitorService(std::string name, std::filesystem::path log)
      : LocalService(name, name, std::move(log)) {}

  MonitorSettings m_settings;
  std::filesystem::path m_events;
  std::map<std::string, std::string> m_environment;
};

}  // namespace harness::driver::local
