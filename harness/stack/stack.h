#pragma once
// The running services of one scenario: boots them all in parallel, waits for readiness, watches for exits,
// and stops them. Every observation becomes a History event (and what a user must see as it happens, a line on
// the run's console, set_console()):
//   service.starting, service.ready {after_s, version}, service.failed {detail}, service.exited {code, signal,
//   expected}, service.stopped, health.probe / health.state, health.probe_discarded (a probe that outlived its
//   instance), and for a stop the harness itself did (a fault): service.stopped {reason, code,
//   signal, describe}, then service.started {reason} (never service.exited: not an exit by itself).
#include <atomic>
#include <condition_variable>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "harness/driver/placeholders.h"
#include "harness/driver/service.h"
#include "harness/health/backoff.h"
#include "harness/net/network.h"
#include "harness/scenario/model.h"
#include "harness/history/history.h"
#include "harness/stack/run_control.h"
#include "harness/util/clock.h"

namespace harness::stack {

// What the orchestrator does with one instance (from its scenario service).
struct InstancePolicy {
  std::string restart = "no";                      // no | on-failure | always | unless-stopped
  bool restart_on_unhealthy = false;               // Swarm/Kubernetes: an unhealthy container is replaced
  std::optional<scenario::HealthCheck> healthcheck;
  health::Backoff::Policy backoff = health::Backoff::docker();
  // The delay is Docker's own (backoff: docker, unscaled): an engine may apply `restart` itself.
  bool docker_backoff = true;
  // What an engine that orchestrates (the swarm driver) is handed: set for an instance the orchestrator restarts
  // or replaces (a restart policy, restart_on_unhealthy, `deploy:`). Where the service takes it
  // (Service::use_engine_orchestrator), the engine restarts and replaces it and the Stack only records that.
  std::optional<driver::EngineOrchestration> orchestration;
};

class Stack {
public:
  // `clock`: every time the Stack reads (readiness deadlines, restart delays, health probe schedules), the run's
  // clock (the one `control` reads), so a test can script restarts and backoff with util::ManualClock.
  Stack(std::vector<std::unique_ptr<driver::Service>> services, history::History& history,
        const RunControl& control, const util::Clock& clock);
  ~Stack();  // stop_all(); noexcept
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // Where the run's progress lines go (nullptr, the default: nowhere). Set before start_all(). While the run goes
  // on, an instance that exits by itself prints "  service worker.1 exited (killed by SIGKILL) at 12.3 s" (seconds
  // since the run began) and one that turns unhealthy "  service worker.1 unhealthy at 40.2 s (...)"; a readiness
  // wait prints every 10 s the instances still waiting, with their readiness condition and last answer.
  void set_console(std::ostream* console) { m_console = console; }

  // Starts every service at once and waits until all are ready. Fails (k_infrastructure) as soon as one
  // service's process exits or `timeout` passes, with that service's log tail; k_cancelled when the run must stop
  // (the scenario's timeout: naming the instances still waiting, with their log tails).
  util::Status start_all(std::chrono::milliseconds timeout);
  // Waits until the named instances or scenario services (all when empty) are ready again (after restarts).
  util::Status wait_ready(const std::vector<std::string>& names, std::chrono::milliseconds timeout);
  // Stops everything (in parallel), records service.stopped. Idempotent. The end of a run: each service gets its
  // teardown_grace() (none for most: SIGKILL), since its data is discarded.
  void stop_all();

  // Instances the run was handed already running (booted ahead of the scenario, run/prestart.h): start_all()
  // does not start them again (unless they have exited meanwhile), it waits for their readiness. Before start_all().
  void adopt_running(std::set<const driver::Service*> services) { m_adopted = std::move(services); }
  // Restart policies and health checks, by instance name; set before start_all(). Without one an instance is
  // never restarted and has no health state. A health check the service's engine can run itself (the docker
  // driver: the container's HEALTHCHECK) is handed to it: its probes and states are the engine's, read back into
  // the same health.probe and health.state events (with "engine": true); else the harness probes.
  void set_policies(std::map<std::string, InstancePolicy> policies);
  // The orchestrator replaces an instance (unhealthy with restart_on_unhealthy): stop it, then restart it after
  // its backoff delay. Recorded as service.killed and service.restarted {reason}.
  void replace_instance(driver::Service* service, const std::string& reason);
  // Increments each time the instance is (re)started: health probing resets on a change.
  bool restarting(const driver::Service* service) const;  // a restart of it is under way
  int generation(const driver::Service* service) const;

  // A stop the harness itself does (a fault), not a crash: `how` stops the instance (empty: the driver's stop,
  // SIGTERM then SIGKILL), then up to `timeout` passes for its main process to exit (then the driver's stop).
  // The exit is recorded as service.stopped {reason, code, signal, describe}, the restart policy does not act on
  // it, and the instance stays down until start_instance(). k_cancelled while the stack is stopping;
  // k_infrastructure when it would not exit.
  util::Status stop_instance(driver::Service* service, const std::string& reason, const std::function<void()>& how,
                             std::chrono::milliseconds timeout);
  // Starts an instance stopped by stop_instance() again, on the same ports and data, and waits up to `timeout`
  // until it is ready: service.started {reason}, service.ready.
  util::Status start_instance(driver::Service* service, const std::string& reason, std::chrono::milliseconds timeout);

  // The first running instance of a scenario service, or the instance named so, for a command run in it
  // (nullptr when none runs: they exited, or a fault stopped them; one being replaced does not count).
  driver::Service* running_instance(const std::string& name) const;
  // Why `name` has no running instance: "service 'worker' has no running instance (worker.1 exited (exit code 0)
  // at 12.3 s)"; "... (worker.1 stopped by the harness (postgres-down) at 8.0 s)" when a fault stopped it.
  std::string no_running_instance(const std::string& name) const;
  // An instance of `name` (a scenario service or instance) will run again: the orchestrator is replacing it, or it
  // exited and its restart policy has a restart due, or a restart is under way.
  bool restart_pending(const std::string& name) const;

  const std::vector<std::unique_ptr<driver::Service>>& services() const { return m_services; }
  // Instances of a scenario service ("worker" -> worker.1, worker.2), or the one instance named so.
  std::vector<driver::Service*> instances(const std::string& name) const;
  const driver::PlaceholderTable& placeholders() const { return m_placeholders; }
  // Adds run-wide values ({{run.dir}}, {{run.id}}) to the services' placeholders; before start_all().
  void add_placeholders(const driver::PlaceholderTable& extra) {
    for (const auto& [key, value] : extra) m_placeholders[key] = value;
  }
  // The run's fault proxy and the clients routed through it (driver/client_routing.h), for network faults and
  // for steps run in a client's environment; before start_all(). REQUIRES: `network` outlives the Stack.
  void set_network(net::Network* network, std::map<std::string, driver::PlaceholderTable> client_overrides) {
    m_network = network;
    m_client_overrides = std::move(client_overrides);
  }
  net::Network* network() const { return m_network; }  // null when no service is proxied
  // The placeholders as client instance `client` sees them: its proxied addresses over the Stack's direct ones.
  driver::PlaceholderTable placeholders_for(const std::string& client) const {
    driver::PlaceholderTable table = m_placeholders;
    if (auto it = m_client_overrides.find(client); it != m_client_overrides.end())
      for (const auto& [key, value] : it->second) table[key] = value;
    return table;
  }

private:
  struct WaitLimits {
    std::chrono::steady_clock::time_point begin;
    std::chrono::steady_clock::time_point deadline;
    std::chrono::milliseconds timeout;
    bool start_first = false;
  };
  util::Status wait_for(const std::vector<driver::Service*>& targets, std::chrono::milliseconds timeout,
                        bool start_first = false);
  // One target of wait_for(), on its own thread: `note` gets each "not yet" answer; `give_up` is shared by all.
  util::Status wait_one(driver::Service* service, const WaitLimits& limits, std::atomic<bool>& give_up,
                        const std::function<void(const std::string&)>& note);
  util::Status start_one(driver::Service* service);
  // The instance exited and will be restarted (by the Stack's policy or its engine's): a readiness wait goes on.
  bool awaits_restart(driver::Service* service);
  void monitor();
  // Records what the engine reported of `service` since the last call (engine.event): Docker's own words.
  void record_engine_events(driver::Service* service);
  // Starts an instance the monitor claimed (Instance::restarting) and records the outcome; ends the claim.
  void restart(driver::Service* service);
  void on_exit(driver::Service* service, const process::ExitStatus& status);
  // The engine ran an exited instance again by its restart policy: service.restarted, as restart() records its own.
  // True when it did (the instance is watched again).
  bool note_engine_restart(driver::Service* service);
  void probe_loop(driver::Service* service, scenario::HealthCheck config);
  // An unhealthy instance: replace_instance(service, reason) when its policy has restart_on_unhealthy.
  void replace_if_policy_says(driver::Service* service, const std::string& reason);
  // What the engine's own health check reports (engine_health.cc), instead of probe_loop: polled every 100 ms.
  void engine_health_loop(driver::Service* service, std::string limits);
  // Records the probes of `health` not in `seen` yet and a change of state; `status`: the state recorded last.
  void record_engine_health(driver::Service* service, const driver::EngineHealth& health, std::string& status,
                            std::set<std::string>& seen);
  void print(const std::string& line);
  // "service 'worker.1' WHAT (ready when CONDITION; last: LAST)" and, with `tail`, the last lines of its log.
  static std::string still_waiting(const driver::Service& service, const std::string& what, const std::string& last,
                                   bool tail);

  struct Instance {
    InstancePolicy policy;
    std::unique_ptr<health::Backoff> backoff;
    std::chrono::steady_clock::time_point started_at{};
    std::optional<std::chrono::steady_clock::time_point> restart_due;
    std::string restart_reason;
    double restart_delay_s = 0;
    bool replacing = false;       // the orchestrator itself stopped it
    bool held = false;            // the harness stopped it (stop_instance): not watched, not restarted
    bool restarting = false;      // the monitor is starting it again (outside the lock); see m_restart_done
    int restarts = 0;
    int generation = 0;
    // The engine applies the restart policy itself (Service::use_engine_restart_policy): the Stack records its
    // restarts (engine_restarts_seen: the engine's count recorded) instead of scheduling its own.
    bool engine_restarts = false;
    int engine_restarts_seen = 0;
    bool engine_restart_due = false;  // exited, and the policy says the engine restarts it
    std::chrono::steady_clock::time_point exited_at{};
    // Set when the engine runs the health check itself (Service::use_engine_health_check): what it cannot honour.
    std::optional<std::string> engine_health;
    // The engine orchestrates it (Service::use_engine_orchestrator): it restarts exits and replaces the unhealthy
    // instance by its own policy; engine_restarts is set too.
    bool engine_orchestrated = false;
    bool engine_unhealthy = false;  // the engine reported it unhealthy since it last started (engine_health_loop)
  };
  std::map<const driver::Service*, Instance> m_instances;
  std::vector<std::thread> m_probers;

  std::vector<std::unique_ptr<driver::Service>> m_services;
  history::History& m_history;
  const RunControl& m_control;
  const util::Clock& m_clock;
  driver::PlaceholderTable m_placeholders;
  net::Network* m_network = nullptr;
  std::map<std::string, driver::PlaceholderTable> m_client_overrides;
  mutable std::mutex m_mutex;  // locked by const readers too (generation(), no_running_instance())
  // Notified (m_mutex) when a restart ends: stop_instance() and stop_all() wait for one under way, so a restart
  // decided before a fault's stop cannot bring the instance back after it.
  std::condition_variable m_restart_done;
  std::set<const driver::Service*> m_started;
  std::set<const driver::Service*> m_exit_recorded;
  std::set<const driver::Service*> m_adopted;
  // How each instance last went down: "exited (killed by SIGKILL) at 12.3 s"; under m_mutex.
  std::map<const driver::Service*, std::string> m_down;
  std::ostream* m_console = nullptr;
  std::mutex m_console_mutex;
  std::atomic<bool> m_stopping{false};
  std::atomic<bool> m_monitor_done{false};
  std::thread m_monitor;
};

}  // namespace harness::stack
