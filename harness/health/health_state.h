#pragma once
// The health state of one container (one service instance) as Docker's HEALTHCHECK computes it, or as the kubelet
// computes a liveness probe's result. Pure logic: no processes, no threads, no clock reads. The runner runs the
// probe command (killing it after probe_timeout()), then feeds the result here with the time it finished; the
// tracker answers what the state is now and when the next probe is due. Time is always passed in.
//
// Encoded from the primary sources, not from their docs:
//   moby/moby daemon/health.go (commit 024832584f): handleProbeResult, monitor/getInterval, initHealthMonitor,
//     cmdProbe.run, and the constants at the top of the file.
//   kubernetes/kubernetes pkg/kubelet/prober/worker.go: worker.run, worker.doProbe;
//   kubernetes/kubernetes pkg/apis/core/v1/defaults.go: SetDefaults_Probe.
//
// Docker (ProbeFlavor::k_docker):
//  - States: a new or restarted container is "starting" (initHealthMonitor). Any success (exit code 0) makes it
//    "healthy" and sets FailingStreak to 0, whatever the state was. Any other exit code is a failure.
//  - A failure increments FailingStreak; at FailingStreak >= retries the state is "unhealthy". The only exception:
//    while the state is still "starting" (no success yet) and the probe *started* less than start_period after
//    the container started, the failure is not counted. Once a probe succeeded, failures count even inside the
//    start period.
//  - A probe that exceeds `timeout` is a failure with exit code -1 and output
//    "Health check exceeded timeout (30s)" (plus ": <output>" when the probe printed something).
//  - Timing: the interval runs from the end of one probe to the start of the next ("interval seconds after each
//    previous check completes"), and the first probe runs one interval after the container started, not at once.
//    During the start period it uses start_interval (default 5s) while the state is "starting", and never sleeps
//    past the end of the start period (see next_probe_at()).
//  - Zero values take Docker's defaults: interval 30s, timeout 30s, start_interval 5s, retries 3 (retries <= 0).
//  - The log keeps the last 5 results; output is cut at 4096 bytes with "..." appended. The log survives a
//    restart (initHealthMonitor resets only the state and the streak).
//  - success_threshold does not exist in Docker and is ignored.
//
// Kubernetes liveness probe (ProbeFlavor::k_kubernetes), with the HealthCheck fields read as the probe's:
// start_period = initialDelaySeconds, interval = periodSeconds, timeout = timeoutSeconds, retries =
// failureThreshold, success_threshold = successThreshold. Differences from Docker:
//  - No probe runs before initialDelaySeconds ("Probe disabled for InitialDelaySeconds"); there is no grace
//    period after it. A result fed for a probe that started earlier is ignored.
//  - The result changes only after `failureThreshold` equal failures or `successThreshold` equal successes in a
//    row (lastResult/resultRun); below the threshold the previous result stands. A liveness failure that crosses
//    the threshold restarts the container and sets resultRun to 0. The run is NOT cleared when a container is
//    replaced for another reason, so reset() keeps it too. (successThreshold must be 1 for liveness probes: API
//    validation; readiness probes may use more.)
//  - The kubelet's initial liveness value is Success; here that is "starting" until a threshold is crossed.
//  - Timing: a ticker of periodSeconds (fixed rate from the start of one probe to the start of the next; a probe
//    longer than the period is followed at once by the next). The first probe runs at initialDelaySeconds.
//  - Zero values take Kubernetes' defaults: period 10s, timeout 1s, failureThreshold 3, successThreshold 1.
#include <chrono>
#include <cstddef>
#include <deque>
#include <string>

#include "harness/scenario/model.h"

namespace harness::health {

using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;

enum class HealthState { k_starting, k_healthy, k_unhealthy };
const char* to_string(HealthState state);  // "starting" | "healthy" | "unhealthy", as Docker reports them

enum class ProbeFlavor { k_docker, k_kubernetes };
const char* to_string(ProbeFlavor flavor);  // "docker" | "kubernetes"

// Docker's constants (moby/moby daemon/health.go).
inline constexpr Millis k_docker_default_interval{30'000};
inline constexpr Millis k_docker_default_timeout{30'000};
inline constexpr Millis k_docker_default_start_interval{5'000};  // since moby/moby#47799 (before: = interval)
inline constexpr int k_docker_default_retries = 3;
inline constexpr std::size_t k_max_log_entries = 5;
inline constexpr std::size_t k_max_output_bytes = 4096;
inline constexpr int k_timed_out_exit_code = -1;
// Kubernetes' probe defaults (kubernetes/kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Probe).
inline constexpr Millis k_kubernetes_default_period{10'000};
inline constexpr Millis k_kubernetes_default_timeout{1'000};
inline constexpr int k_kubernetes_default_failure_threshold = 3;

// One run of the probe command as the runner observed it.
struct ProbeResult {
  int exit_code = 0;        // 0 = success; anything else (including "could not run": use -1) is a failure
  bool timed_out = false;   // the runner killed it at probe_timeout(): a failure whatever exit_code says
  Millis duration{0};       // from the probe's start to its end; the probe started at (finished - duration)
  std::string output;       // stdout and stderr
};

struct HealthTrackerOptions {
  ProbeFlavor flavor = ProbeFlavor::k_docker;
  // Docker's `start_interval` (Compose key; Engine >= 25): the interval during the start period while starting.
  // Zero = Docker's default of 5s. The Stack passes scenario::HealthCheck::start_interval. Ignored for Kubernetes.
  Millis start_interval{0};
};

class HealthTracker {
public:
  HealthTracker(const scenario::HealthCheck& config, TimePoint container_started, HealthTrackerOptions options = {});

  // Applies one probe result that finished at `finished`; returns the new state.
  HealthState record(const ProbeResult& result, TimePoint finished);

  HealthState state() const { return m_state; }
  // Docker's FailingStreak: consecutive failures that counted (not those ignored during the start period).
  // Kubernetes: consecutive failures since the last success (or the start).
  int failing_streak() const { return m_failing_streak; }
  // When the next probe should start. Docker: the end of the last probe (or the container start) plus
  //   interval, if the start period is over;
  //   the rest of the start period, if that is shorter than interval;
  //   start_interval, if still "starting";
  //   interval otherwise.
  // (getInterval in moby/moby daemon/health.go, evaluated when the previous probe finished, after its result was
  // applied.) Kubernetes: the first at container start + initialDelaySeconds, then one period after the previous
  // probe started, or at once when it finished later than that; after a liveness failure the worker is on hold
  // (no probes until a new container): TimePoint::max() until reset().
  TimePoint next_probe_at() const { return m_next_probe_at; }
  // The last results (at most k_max_log_entries), oldest first, as Docker logs them: timed-out probes with exit
  // code -1 and Docker's message, outputs cut at k_max_output_bytes.
  const std::deque<ProbeResult>& log() const { return m_log; }
  // A new container (a restart): "starting" again, streak 0, probe timing from `container_restarted`.
  void reset(TimePoint container_restarted);

  // The configuration after defaults; the runner kills a probe after probe_timeout().
  ProbeFlavor flavor() const { return m_flavor; }
  Millis interval() const { return m_interval; }
  Millis probe_timeout() const { return m_timeout; }
  Millis start_period() const { return m_start_period; }
  Millis start_interval() const { return m_start_interval; }
  int retries() const { return m_retries; }
  int success_threshold() const { return m_success_threshold; }

private:
  HealthState record_docker(const ProbeResult& result, TimePoint started);
  HealthState record_kubernetes(const ProbeResult& result);
  std::chrono::steady_clock::duration docker_interval(TimePoint now) const;
  void append_log(const ProbeResult& result);

  ProbeFlavor m_flavor;
  Millis m_interval;
  Millis m_timeout;
  Millis m_start_period;
  Millis m_start_interval;
  int m_retries;
  int m_success_threshold;

  TimePoint m_container_started;
  TimePoint m_next_probe_at;
  HealthState m_state = HealthState::k_starting;
  int m_failing_streak = 0;
  bool m_last_success = true;  // Kubernetes lastResult (its Go zero value is Success)
  int m_result_run = 0;        // Kubernetes resultRun
  bool m_on_hold = false;      // Kubernetes onHold: a liveness failure stops probing until a new container
  std::deque<ProbeResult> m_log;
};

}  // namespace harness::health
