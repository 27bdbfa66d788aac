#include "harness/history/event_type.h"

#include <array>
#include <utility>

#include "harness/history/event.h"

namespace harness::history {

namespace {
using Entry = std::pair<EventType, std::string_view>;
// clang-format off
constexpr std::array k_names{
    Entry{EventType::k_run_begin, "run.begin"}, Entry{EventType::k_run_end, "run.end"},
    Entry{EventType::k_run_cleanup, "run.cleanup"},
    Entry{EventType::k_step_begin, "step.begin"}, Entry{EventType::k_step_end, "step.end"},
    Entry{EventType::k_wait_unmet, "wait.unmet"},
    Entry{EventType::k_exec_result, "exec.result"},
    Entry{EventType::k_stack_ready, "stack.ready"},
    Entry{EventType::k_service_prestarted, "service.prestarted"}, Entry{EventType::k_service_starting, "service.starting"},
    Entry{EventType::k_service_started, "service.started"}, Entry{EventType::k_service_ready, "service.ready"},
    Entry{EventType::k_service_failed, "service.failed"}, Entry{EventType::k_service_exited, "service.exited"},
    Entry{EventType::k_service_stopped, "service.stopped"}, Entry{EventType::k_service_killed, "service.killed"},
    Entry{EventType::k_service_restarted, "service.restarted"},
    Entry{EventType::k_health_probe, "health.probe"}, Entry{EventType::k_health_probe_discarded, "health.probe_discarded"},
    Entry{EventType::k_health_state, "health.state"},
    Entry{EventType::k_engine_event, "engine.event"},
    Entry{EventType::k_fault_start, "fault.start"}, Entry{EventType::k_fault_end, "fault.end"},
    Entry{EventType::k_rollout_begin, "rollout.begin"}, Entry{EventType::k_rollout_end, "rollout.end"},
    Entry{EventType::k_load_begin, "load.begin"}, Entry{EventType::k_load_publish, "load.publish"},
    Entry{EventType::k_load_end, "load.end"},
    Entry{EventType::k_ledger_read, "ledger.read"}, Entry{EventType::k_ledger_error, "ledger.error"},
    Entry{EventType::k_beat_sent, "beat.sent"},
    Entry{EventType::k_broker_sample, "broker.sample"}, Entry{EventType::k_queue_sample, "queue.sample"},
    Entry{EventType::k_net_connect, "net.connect"}, Entry{EventType::k_net_close, "net.close"},
    Entry{EventType::k_monitor_worker, "monitor.worker"}, Entry{EventType::k_monitor_status, "monitor.status"},
    Entry{EventType::k_monitor_task, "monitor.task"},
    Entry{EventType::k_check_verdict, "check.verdict"},
};
// clang-format on
static_assert(k_names.size() == static_cast<std::size_t>(EventType::k_check_verdict) + 1,
              "every EventType has a name");
}  // namespace

std::string_view name(EventType type) {
  for (const auto& [t, n] : k_names)
    if (t == type) return n;
  return "unknown";
}

std::optional<EventType> event_type(std::string_view text) {
  for (const auto& [t, n] : k_names)
    if (n == text) return t;
  return std::nullopt;
}

bool is(const Event& event, EventType type) { return event.type == name(type); }

}  // namespace harness::history
