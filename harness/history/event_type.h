#pragma once
// Every type of event the harness records in the History, as one typed list: a new event type is a line here,
// and no code records or looks for a bare string. Event::type stays a string (a history.jsonl read back may come
// from another version of the harness), so checks compare with is(event, EventType::...).
#include <optional>
#include <string_view>

namespace harness::history {

struct Event;

// clang-format off
enum class EventType {
  k_run_begin, k_run_end, k_run_cleanup,                 // run.*
  k_step_begin, k_step_end, k_wait_unmet,                // step.*, wait.unmet
  k_exec_result,                                         // exec.result
  k_stack_ready,                                         // stack.ready: every service ready the first time
  k_service_prestarted, k_service_starting, k_service_started, k_service_ready, k_service_failed,
  k_service_exited, k_service_stopped, k_service_killed, k_service_restarted,  // service.*
  k_health_probe, k_health_probe_discarded, k_health_state,                     // health.*
  k_engine_event,                                        // engine.event: what the engine (Docker) said of an instance
  k_fault_start, k_fault_end,                            // fault.*
  k_rollout_begin, k_rollout_end,                        // rollout.*: an instance's rolling update by its engine
  k_load_begin, k_load_publish, k_load_end,              // load.*
  k_ledger_read, k_ledger_error,                         // ledger.*
  k_beat_sent,                                           // beat.sent: a celery-beat's send of a schedule entry
  k_broker_sample, k_queue_sample,                       // samples of the broker's state
  k_net_connect, k_net_close,                            // net.*: connections through the fault proxy
  k_monitor_worker, k_monitor_status, k_monitor_task,    // monitor.*: what a celery-monitor saw (Flower's view)
  k_check_verdict,                                       // check.verdict
};
// clang-format on

// The dotted name written in history.jsonl: "fault.start".
std::string_view name(EventType type);
// The type named so; nullopt for a name this version does not record.
std::optional<EventType> event_type(std::string_view name);
// Whether `event` is of `type`.
bool is(const Event& event, EventType type);

}  // namespace harness::history
