#include "harness/health/health_state.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace harness::health {

namespace {

// moby/moby daemon/health.go timeoutWithDefault: "If configuredValue is zero, use defaultValue instead."
Millis or_default(Millis configured, Millis fallback) { return configured == Millis{0} ? fallback : configured; }

// Go's time.Duration.String() for whole milliseconds, as Docker prints the timeout: "500ms", "30s", "1.5s",
// "1m30s", "1h0m0s".
std::string go_duration(Millis duration) {
  long long ms = duration.count();
  if (ms == 0) return "0s";
  std::string sign;
  if (ms < 0) {
    sign = "-";
    ms = -ms;
  }
  if (ms < 1000) return sign + std::to_string(ms) + "ms";
  const long long hours = ms / 3'600'000;
  const long long minutes = ms / 60'000 % 60;
  const long long seconds = ms / 1000 % 60;
  const long long millis = ms % 1000;
  std::string out = sign;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  out += std::to_string(seconds);
  if (millis > 0) {
    char fraction[5];
    std::snprintf(fraction, sizeof fraction, ".%03lld", millis);
    std::string f = fraction;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out + "s";
}

// moby/moby daemon/health.go limitedBuffer: keeps maxOutputLen (4096) bytes, then appends "..." if it overflowed.
std::string limit_output(std::string output) {
  if (output.size() <= k_max_output_bytes) return output;
  output.resize(k_max_output_bytes);
  return output + "...";
}

bool is_success(const ProbeResult& result) { return !result.timed_out && result.exit_code == 0; }

}  // namespace

const char* to_string(HealthState state) {
  switch (state) {
    case HealthState::k_starting: return "starting";
    case HealthState::k_healthy: return "healthy";
    case HealthState::k_unhealthy: return "unhealthy";
  }
  return "unknown";
}

const char* to_string(ProbeFlavor flavor) {
  switch (flavor) {
    case ProbeFlavor::k_docker: return "docker";
    case ProbeFlavor::k_kubernetes: return "kubernetes";
  }
  return "unknown";
}

HealthTracker::HealthTracker(const scenario::HealthCheck& config, TimePoint container_started,
                             HealthTrackerOptions options)
    : m_flavor(options.flavor), m_start_period(std::max(config.start_period, Millis{0})) {
  if (m_flavor == ProbeFlavor::k_docker) {
    // moby/moby daemon/health.go: defaultProbeInterval, defaultProbeTimeout, defaultStartInterval,
    // defaultProbeRetries ("if retries <= 0 { retries = defaultProbeRetries }").
    m_interval = or_default(config.interval, k_docker_default_interval);
    m_timeout = or_default(config.timeout, k_docker_default_timeout);
    m_start_interval = or_default(options.start_interval, k_docker_default_start_interval);
    m_retries = config.retries > 0 ? config.retries : k_docker_default_retries;
    m_success_threshold = 1;  // no such thing in Docker
  } else {
    // kubernetes/kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Probe.
    m_interval = or_default(config.interval, k_kubernetes_default_period);
    m_timeout = or_default(config.timeout, k_kubernetes_default_timeout);
    m_start_interval = m_interval;  // Kubernetes has no start interval
    m_retries = config.retries > 0 ? config.retries : k_kubernetes_default_failure_threshold;
    m_success_threshold = config.success_threshold > 0 ? config.success_threshold : 1;
  }
  reset(container_started);
}

void HealthTracker::reset(TimePoint container_restarted) {
  // moby/moby daemon/health.go initHealthMonitor: SetStatus(Starting), FailingStreak = 0; the Log is kept.
  // kubernetes worker.doProbe, new container ID: initial value again, onHold = false; lastResult and resultRun
  // are kept.
  m_container_started = container_restarted;
  m_state = HealthState::k_starting;
  m_failing_streak = 0;
  m_on_hold = false;
  if (m_flavor == ProbeFlavor::k_docker)
    m_next_probe_at = container_restarted + docker_interval(container_restarted);
  else
    m_next_probe_at = container_restarted + m_start_period;
}

HealthState HealthTracker::record(const ProbeResult& result, TimePoint finished) {
  const TimePoint started = finished - result.duration;
  if (m_flavor == ProbeFlavor::k_docker) {
    append_log(result);
    record_docker(result, started);
    // monitor(): intervalTimer.Reset(getInterval()) after handleProbeResult, i.e. from the end of this probe.
    m_next_probe_at = finished + docker_interval(finished);
    return m_state;
  }
  // worker.doProbe: no probing while on hold, nor before InitialDelaySeconds.
  if (m_on_hold || started < m_container_started + m_start_period) return m_state;
  append_log(result);
  record_kubernetes(result);
  // worker.run: a time.Ticker of PeriodSeconds; a tick missed during a long probe fires at once after it.
  m_next_probe_at = m_on_hold ? TimePoint::max() : std::max(started + m_interval, finished);
  return m_state;
}

// moby/moby daemon/health.go handleProbeResult.
HealthState HealthTracker::record_docker(const ProbeResult& result, TimePoint started) {
  if (is_success(result)) {
    m_failing_streak = 0;
    m_state = HealthState::k_healthy;
    return m_state;
  }
  // "If the container is starting (i.e. we never had a successful health check) then we check if we are within
  // the start period of the container in which case we do not increment the failure streak." Measured from the
  // probe's start (result.Start.Sub(c.State.StartedAt)).
  if (m_state == HealthState::k_starting && started - m_container_started < m_start_period) return m_state;
  ++m_failing_streak;
  if (m_failing_streak >= m_retries) m_state = HealthState::k_unhealthy;
  return m_state;
}

// kubernetes/kubernetes pkg/kubelet/prober/worker.go doProbe, liveness.
HealthState HealthTracker::record_kubernetes(const ProbeResult& result) {
  const bool success = is_success(result);
  m_failing_streak = success ? 0 : m_failing_streak + 1;
  if (m_last_success == success) {
    ++m_result_run;
  } else {
    m_last_success = success;
    m_result_run = 1;
  }
  // "Success or failure is below threshold - leave the probe state unchanged."
  if ((!success && m_result_run < m_retries) || (success && m_result_run < m_success_threshold)) return m_state;
  m_state = success ? HealthState::k_healthy : HealthState::k_unhealthy;
  if (!success) {
    // "The container fails a liveness/startup check, it will need to be restarted. Stop probing until we see a
    // new container ID."
    m_on_hold = true;
    m_result_run = 0;
  }
  return m_state;
}

// moby/moby daemon/health.go monitor.getInterval, with time.Since(started) = now - container start.
std::chrono::steady_clock::duration HealthTracker::docker_interval(TimePoint now) const {
  const auto elapsed = now - m_container_started;
  if (elapsed >= m_start_period) return m_interval;
  // "Ensures that if the StartPeriod ends before the next scheduled probeInterval the next health check runs
  // immediately after the StartPeriod".
  const auto remaining = m_start_period - elapsed;
  if (remaining < m_interval) return remaining;
  if (m_state == HealthState::k_starting) return m_start_interval;
  return m_interval;
}

void HealthTracker::append_log(const ProbeResult& result) {
  ProbeResult entry = result;
  entry.output = limit_output(result.output);
  if (result.timed_out) {
    // moby/moby daemon/health.go cmdProbe.run: ExitCode -1, "Health check exceeded timeout (%v)[: output]".
    entry.exit_code = k_timed_out_exit_code;
    std::string message = "Health check exceeded timeout (" + go_duration(m_timeout) + ")";
    if (!entry.output.empty()) message += ": " + entry.output;
    entry.output = std::move(message);
  }
  // handleProbeResult: keeps the last maxLogEntries (5).
  m_log.push_back(std::move(entry));
  while (m_log.size() > k_max_log_entries) m_log.pop_front();
}

}  // namespace harness::health
