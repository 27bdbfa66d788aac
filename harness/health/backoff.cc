#include "harness/health/backoff.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace harness::health {

namespace {

using std::chrono::milliseconds;

// current * factor, capped at max, without overflowing on long sequences.
milliseconds grow(milliseconds current, const Backoff::Policy& policy) {
  const double next = static_cast<double>(current.count()) * policy.factor;
  if (next >= static_cast<double>(policy.max.count())) return policy.max;
  return milliseconds{static_cast<milliseconds::rep>(next)};
}

milliseconds scale_duration(milliseconds duration, double scale) {
  if (duration <= milliseconds{0}) return duration;
  const auto scaled = static_cast<milliseconds::rep>(std::llround(static_cast<double>(duration.count()) * scale));
  return milliseconds{std::max<milliseconds::rep>(scaled, 1)};
}

}  // namespace

Backoff::Policy Backoff::docker() {
  // moby/moby restartmanager/restartmanager.go: defaultTimeout, maxRestartTimeout, backoffMultiplier, and
  // "if executionDuration.Seconds() >= 10 { rm.timeout = 0 }".
  Policy policy;
  policy.initial = milliseconds{100};
  policy.max = milliseconds{60'000};
  policy.factor = 2.0;
  policy.reset_after = milliseconds{10'000};
  policy.reset_strictly_after = false;
  policy.first_restart_immediate = false;
  return policy;
}

Backoff::Policy Backoff::kubernetes() {
  // kubernetes/kubernetes pkg/kubelet/kubelet.go: flowcontrol.NewBackOff(backOffPeriod = 10s,
  // MaxContainerBackOff = 300s); client-go flowcontrol hasExpired: eventTime.Sub(lastUpdate) > maxDuration*2.
  Policy policy;
  policy.initial = milliseconds{10'000};
  policy.max = milliseconds{300'000};
  policy.factor = 2.0;
  policy.reset_after = 2 * policy.max;
  policy.reset_strictly_after = true;
  policy.first_restart_immediate = true;
  return policy;
}

std::optional<Backoff::Policy> Backoff::named(std::string_view name) {
  if (name == "docker") return docker();
  if (name == "kubernetes") return kubernetes();
  return std::nullopt;
}

Backoff::Backoff(Policy policy) : m_policy(policy) {}

milliseconds Backoff::next_delay(milliseconds ran_for) {
  ++m_restarts;
  const bool ran_long_enough =
      m_policy.reset_strictly_after ? ran_for > m_policy.reset_after : ran_for >= m_policy.reset_after;
  const bool fresh = m_current == milliseconds{0} || ran_long_enough;
  if (m_policy.first_restart_immediate) {
    // doBackOff: no entry (or an expired one) -> not in backoff, restart now; Next() then starts the entry at
    // the initial value. Otherwise wait the entry's value, and Next() doubles it.
    if (fresh) {
      m_current = std::min(m_policy.initial, m_policy.max);
      return milliseconds{0};
    }
    const milliseconds delay = m_current;
    m_current = grow(m_current, m_policy);
    return delay;
  }
  // ShouldRestart: timeout 0 -> defaultTimeout; below the max -> doubled; then capped.
  m_current = fresh ? std::min(m_policy.initial, m_policy.max) : grow(m_current, m_policy);
  return m_current;
}

Backoff::Policy scaled(Backoff::Policy policy, double scale) {
  if (!(scale > 0) || !std::isfinite(scale))
    throw std::invalid_argument("backoff scale must be a positive number, got " + std::to_string(scale));
  policy.initial = scale_duration(policy.initial, scale);
  policy.max = scale_duration(policy.max, scale);
  policy.reset_after = scale_duration(policy.reset_after, scale);
  return policy;
}

}  // namespace harness::health
