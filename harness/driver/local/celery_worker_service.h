#pragma once
// One Celery worker replica: `celery -A probe worker` of the fixture app by default, or the scenario's
// `command:`. Broker/backend URLs go in CELERY_BROKER_URL / CELERY_RESULT_BACKEND, settings in
// CELERY_CHAOS_CONFIG. A `celery` shim on PATH runs `<python> -m celery` (Debian's script does not work with
// every python3 on PATH), and `python3`/`python` shims run the scenario's interpreter. Each replica has its own
// node name; the command runs under `/bin/sh -c 'exec …'` so the main pid is Celery's. Ready = "ready." in its
// log and then `celery inspect ping -d NODE` answered.
#include "harness/driver/driver.h"
#include "harness/driver/local/local_service.h"
#include "harness/scenario/service_kind.h"

namespace harness::driver::local {

struct WorkerSettings {
  std::string python;               // interpreter path
  std::string broker_url;
  // The broker's own address, when broker_url is a fault proxy's (driver/client_routing.h): the harness's
  // readiness ping goes direct, so a network fault never blinds it. Empty: broker_url.
  std::string direct_broker_url;
  std::string backend_url;          // may be empty
  std::string ledger_url;           // may be empty
  std::string await;                // "127.0.0.1:P ..." the app waits for before connecting (CELERY_CHAOS_AWAIT)
  // The scenario's `queues:` as a JSON list of {name, type, durable, arguments} (CELERY_CHAOS_QUEUES: the fixture
  // app builds its task_queues from it, in the worker and in loads run in its environment); empty: none declared.
  std::string queues;
  std::filesystem::path fixtures_dir;
  std::filesystem::path bin_dir;    // holds the celery, python3 and python shims (first on PATH)
};

class CeleryWorkerService final : public LocalService {
public:
  static util::Expected<std::unique_ptr<CeleryWorkerService>> create(const scenario::Service& spec, int replica,
                                                                     const WorkerSettings& settings,
                                                                     const RunPaths& paths);

  std::string kind() const override { return "celery-worker"; }
  util::Status start() override;
  ReadyPoll poll_ready() override;
  std::string readiness_condition() const override {
    return "'ready.' in its log, then `celery inspect ping -d " + m_node + "` answered";
  }
  std::map<std::string, std::string> placeholders() const override;
  std::map<std::string, std::string> exec_environment() const override { return m_environment; }
  std::filesystem::path exec_working_directory() const override { return m_settings.fixtures_dir; }

  const std::string& node() const { return m_node; }

private:
  CeleryWorkerService(std::string name, std::string scenario_service, std::filesystem::path log)
      : LocalService(std::move(name), std::move(scenario_service), std::move(log)) {}

  WorkerSettings m_settings;
  std::string m_app;
  std::string m_image;    // the scenario's own image (scenario::own_image), empty for the driver's
  std::string m_node;
  std::string m_command;  // the shell command (placeholders already expanded by the driver)
  std::map<std::string, std::string> m_environment;
  bool m_saw_ready = false;
};

// Writes `<bin_dir>/celery` (runs `<python> -m celery "$@"`) and `<bin_dir>/python3`, `<bin_dir>/python` (run
// `<python> "$@"`): first on the worker's PATH, so its command, probes and `exec` with `service:` get the
// scenario's interpreter whatever else is on the machine's PATH.
util::Status write_worker_shims(const std::filesystem::path& bin_dir, const std::string& python);

// The fixture Celery app's folder: $CELERY_CHAOS_FIXTURES, else <source>/fixtures/celery.
std::filesystem::path fixtures_dir();

// The environment of a Celery process of the fixture app (a worker, a beat): CELERY_BROKER_URL, the Celery settings
// (CELERY_CHAOS_CONFIG), CELERY_CHAOS_NODE `node`, the interpreter, PATH with the shims first, the backend, ledger,
// awaited ports and declared queues of `settings` where set; then the kind's `own` variables, then the scenario's
// `environment:` over all of them, and PYTHONPATH with the probe module (python_path_with_probe).
std::map<std::string, std::string> celery_environment(const scenario::Service& spec, const WorkerSettings& settings,
                                                      const std::string& node,
                                                      const std::map<std::string, std::string>& own);

// The node name of replica `replica` of worker service `service` in run `run_id` (`-n`, placeholder `node`):
// "worker-2@cc-RUN_ID".
std::string worker_node(const std::string& service, int replica, const std::string& run_id);

// The module of the probe tasks (fixtures/celery/celery_chaos_probe.py: probe.record... as shared tasks) and the
// fixture app, which imports it.
inline constexpr const char* k_probe_module = "celery_chaos_probe";
inline constexpr const char* k_fixture_app = "probe";

// The worker's command line: the scenario's `command:` or the default `celery -A APP worker ...`. A command that
// runs a worker gets `-n NODE` unless it names its node, and imports the probe module (`--include
// celery_chaos_probe`, or added to its own --include list) so probe.record runs beside a team's own tasks; the
// fixture app's default command imports it already.
std::string worker_command(const scenario::Service& spec, const std::string& node);

// The worker's PYTHONPATH: the scenario's own (`environment: {PYTHONPATH: ...}`, a team's app folder) first, then
// the fixtures folder, so the probe module is importable whatever the app.
std::string python_path_with_probe(const std::map<std::string, std::string>& environment,
                                   const std::filesystem::path& fixtures);

}  // namespace harness::driver::local
