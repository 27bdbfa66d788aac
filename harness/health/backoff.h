#pragma once
// The delay before restarting a container that exited (or was killed), as Docker's restart policy and the
// kubelet's CrashLoopBackOff compute it. Pure logic: the caller says how long the container ran.
//
// Docker (moby/moby restartmanager/restartmanager.go, ShouldRestart): the delay starts at 100ms
// (defaultTimeout) and doubles (backoffMultiplier) on every restart up to 1 minute (maxRestartTimeout); "if the
// container ran for more than 10s, regardless of status and policy reset the timeout back to the default"
// (the code tests executionDuration >= 10s). So even the first restart waits 100ms:
//   100ms, 200ms, 400ms, ... 25.6s, 51.2s, 60s, 60s ...
//
// Kubernetes (kubernetes/kubernetes pkg/kubelet/kubelet.go: backOffPeriod 10s, MaxContainerBackOff 300s (newer
// releases: pkg/kubelet/apis/config/v1beta1/defaults.go); staging/src/k8s.io/client-go/util/flowcontrol/
// backoff.go Next/IsInBackOffSince/hasExpired; pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff): the first exit
// has no backoff entry yet, so the container restarts at once and the entry starts at 10s; each later exit
// waits the entry's value (measured from the exit) and doubles it, capped at 300s:
//   0, 10s, 20s, 40s, 80s, 160s, 300s, 300s ...
// The entry expires when the container ran more than 2 x 300s = 10 minutes (hasExpired: eventTime - lastUpdate >
// maxDuration*2, strictly), and the next exit is treated as the first again. The kubelet restarts only when it
// next syncs the pod after the delay; that lag is not modelled. (KEP-4603 feature gates in Kubernetes >= 1.32
// change the curve, e.g. a 1s initial delay; not modelled.)
//
// Note: plain Docker never restarts a container for being unhealthy, only for exiting; Swarm replaces unhealthy
// tasks, and the kubelet kills a container whose liveness probe failed, then applies this backoff.
#include <chrono>
#include <optional>
#include <string_view>

namespace harness::health {

class Backoff {
public:
  struct Policy {
    std::chrono::milliseconds initial{0};      // the first delay (the first after a reset)
    std::chrono::milliseconds max{0};          // the cap
    double factor = 2.0;                       // growth per restart
    std::chrono::milliseconds reset_after{0};  // a run this long resets the sequence (see reset_strictly_after)
    bool reset_strictly_after = false;         // Kubernetes: only a run longer than reset_after; Docker: >=
    bool first_restart_immediate = false;      // Kubernetes: the first restart (and first after a reset) has no delay
  };
  static Policy docker();      // 100ms doubling to 1 min, reset after running >= 10 s
  static Policy kubernetes();  // immediately, then 10 s doubling to 300 s, reset after running > 10 min
  // "docker" | "kubernetes" (scenario::Service::backoff); nullopt for anything else.
  static std::optional<Policy> named(std::string_view name);

  explicit Backoff(Policy policy);

  // Delay before the next restart, given how long the container ran before it exited or was killed. Each call is
  // one restart.
  std::chrono::milliseconds next_delay(std::chrono::milliseconds ran_for);
  int restarts() const { return m_restarts; }
  const Policy& policy() const { return m_policy; }

private:
  Policy m_policy;
  std::chrono::milliseconds m_current{0};  // the last backoff value; 0 = none yet (or reset)
  int m_restarts = 0;
};

// The policy with every duration multiplied by `scale` (0.1 = ten times faster), for scenarios that compress
// minutes into seconds (scenario::Service::backoff_scale). The growth factor is unchanged. Non-zero durations stay
// at least 1ms. REQUIRES: scale > 0 and finite (throws std::invalid_argument otherwise: the loader validates it).
Backoff::Policy scaled(Backoff::Policy policy, double scale);

}  // namespace harness::health
