// The Stack's follower of an engine's own health check (Stack::engine_health_loop): under the docker driver
// Docker itself probes each container (its HEALTHCHECK) and keeps its state; the harness reads it back every
// 100 ms (GET /containers/ID/json, State.Health) into the events its own prober writes (health.probe,
// health.state, with "engine": true), and stays the orchestrator: an unhealthy instance with restart_on_unhealthy
// is replaced as under the emulation, since plain Docker never replaces an unhealthy container.
#include <algorithm>

#include "harness/stack/stack.h"
#include "harness/stack/stack_text.h"

namespace harness::stack {

namespace {
constexpr auto k_engine_health_interval = std::chrono::milliseconds{100};
constexpr std::size_t k_probe_output_limit = 500;  // as the harness's own probes record

bool timed_out(const driver::EngineProbe& probe) {
  // Docker 20.10's health monitor: exit code -1, "Health check exceeded timeout (10s)".
  return probe.exit_code == -1 && probe.output.rfind("Health check exceeded timeout", 0) == 0;
}
}  // namespace

void Stack::record_engine_health(driver::Service* service, const driver::EngineHealth& health, std::string& status,
                                 std::set<std::string>& seen) {
  std::vector<const driver::EngineProbe*> fresh;
  for (const auto& probe : health.probes)
    if (seen.insert(probe.start).second) fresh.push_back(&probe);
  for (std::size_t i = 0; i < fresh.size(); ++i) {
    const auto& probe = *fresh[i];
    const bool last = i + 1 == fresh.size();  // the state Docker reports is the one after its last probe
    const std::string output = probe.output.size() > k_probe_output_limit
                                   ? probe.output.substr(probe.output.size() - k_probe_output_limit)
                                   : probe.output;
    m_history.record(history::EventType::k_health_probe, service->name(),
                     {{"exit_code", probe.exit_code}, {"timed_out", timed_out(probe)},
                      {"duration_s", probe.duration_s}, {"output", output},
                      {"state", last ? health.status : status}, {"engine", true},
                      {"failing_streak", last ? health.failing_streak : 0}});
  }
  if (health.status.empty() || health.status == status) return;
  const std::string previous = std::exchange(status, health.status);
  if (status == "unhealthy") {
    std::lock_guard lock(m_mutex);
    m_instances[service].engine_unhealthy = true;
  }
  const history::Event changed = m_history.record(history::EventType::k_health_state, service->name(),
                                                  {{"state", status}, {"previous", previous}, {"engine", true}});
  if (status != "unhealthy") return;
  const std::string last = fresh.empty() ? std::string{} : last_line(fresh.back()->output);
  print("  service " + service->name() + " unhealthy at " + format_seconds(changed.t) + " (" +
        std::to_string(health.failing_streak) + " failed probes of Docker's health check" +
        (last.empty() ? std::string{} : ", the last: " + last) + ")\n");
}

void Stack::engine_health_loop(driver::Service* service, std::string limits) {
  std::string status = "starting";
  nlohmann::json first = {{"state", status}, {"previous", nullptr}, {"engine", true}};
  if (!limits.empty()) first["limits"] = limits;  // what the engine cannot do of the check as written
  m_history.record(history::EventType::k_health_state, service->name(), std::move(first));
  int seen_generation = generation(service);
  // The probes recorded, by their start time: Docker keeps the last five, across its own restarts of a container.
  std::set<std::string> seen;
  // After a restart, until Docker has reset the container's state ("starting", moby daemon/health.go
  // initHealthMonitor): what it reports before is the stopped monitor's.
  bool awaiting_reset = false;
  int retries = 3;  // Docker's default
  {
    std::lock_guard lock(m_mutex);
    const auto& hc = m_instances[service].policy.healthcheck;
    if (hc && hc->retries > 0) retries = hc->retries;
  }
  while (!m_stopping && !m_monitor_done && !m_control.should_stop()) {
    std::this_thread::sleep_for(k_engine_health_interval);
    if (const int g = generation(service); g != seen_generation) {  // a new container: Docker's state starts over
      seen_generation = g;
      awaiting_reset = true;
      if (status != "starting") {
        m_history.record(history::EventType::k_health_state, service->name(),
                         {{"state", "starting"}, {"previous", std::exchange(status, "starting")}, {"engine", true}});
      }
      std::lock_guard lock(m_mutex);
      m_instances[service].engine_unhealthy = false;
    }
    if (service->exit_status() || restarting(service)) continue;
    auto health = service->engine_health();
    // Read from the container being replaced, or after the run began to stop: not this instance's any more.
    if (!health || m_stopping || generation(service) != seen_generation || service->exit_status()) continue;
    if (awaiting_reset) {
      const bool fresh = std::any_of(health->probes.begin(), health->probes.end(),
                                     [&seen](const driver::EngineProbe& p) { return !seen.count(p.start); });
      if (health->status != "starting" && !fresh) continue;
      awaiting_reset = false;
    }
    // Docker's prober makes a container unhealthy only after `retries` failures in a row (moby daemon/health.go,
    // handleProbeResult); "unhealthy" with a shorter streak is what a stopped monitor left (a pause: it stays so
    // until the next probe after the unpause). Not a verdict: the state recorded stands.
    if (health->status == "unhealthy" && health->failing_streak < retries) health->status = status;
    record_engine_health(service, *health, status, seen);
    if (status != "unhealthy") continue;
    replace_if_policy_says(service, "unhealthy after " + std::to_string(health->failing_streak) +
                                        " failed probes of Docker's health check");
  }
}

}  // namespace harness::stack
