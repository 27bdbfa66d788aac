#pragma once
// The driver that runs the service kinds' recipes (driver/local/*_service) through a Launcher: as child processes
// (make_local_driver) or, given another launcher, as containers (driver/docker). Each kind's instances come from its
// factory (local_kinds.h), found by the kind's name; data services are created first.
#include <functional>
#include <mutex>
#include <optional>

#include "harness/driver/driver.h"
#include "harness/driver/placeholders.h"
#include "harness/driver/local/runtime.h"

namespace harness::driver::local {

// The run's own placeholders: {{run.dir}} (the services' work folder), {{run.id}}, {{run.fixtures}} (the fixture
// app's folder) and {{run.logs}} (the scenario's logs/), for the workers' settings and for every command.
PlaceholderTable run_placeholders(const RunPaths& paths);

// The launcher for one run (its folders decide a container's mounts).
using LauncherFactory = std::function<Launcher(const RunPaths& paths)>;

class RecipeDriver : public Driver {
public:
  // `engine_health` set: the launchers' runtimes run health checks themselves (containers: Docker's HEALTHCHECK),
  // with those limits.
  // `orchestrates`: they can also hand restarts and replacements to the engine (Launch::orchestration: Swarm).
  RecipeDriver(std::string name, LauncherFactory launchers, EngineHealthLimits engine_health = nullptr,
               bool orchestrates = false)
      : m_name(std::move(name)),
        m_launchers(std::move(launchers)),
        m_engine_health(engine_health),
        m_orchestrates(orchestrates) {}
  std::string name() const override { return m_name; }
  util::Expected<std::vector<std::unique_ptr<Service>>> create_services(const scenario::Scenario& scenario,
                                                                         const RunPaths& paths) override;
  std::vector<std::int64_t> kill_leftovers(const std::string& run_id) override;
  // This machine's (host_versions()), read on the first call.
  util::Expected<Versions> stack_versions() override;

protected:
  // Keeps what `read` gives on the first call (thread-safe).
  util::Expected<Versions> versions_once(const std::function<util::Expected<Versions>()>& read);

private:
  std::mutex m_versions_mutex;
  std::optional<util::Expected<Versions>> m_versions;
  std::string m_name;
  LauncherFactory m_launchers;
  EngineHealthLimits m_engine_health;
  bool m_orchestrates;
};

}  // namespace harness::driver::local
