#pragma once
// How the History learns what a celery-monitor service saw. fixtures/celery/monitor.py appends one JSON line per
// Celery event it received, and one per worker status change of Celery's State (Flower's "Status"), to its events
// file (the instance's placeholder `events`); a MonitorFollower reads what is new in that file and records each
// complete line as an event, `service` being the worker instance the node name belongs to (empty for another node,
// such as a publisher's):
//   {"event": "worker-heartbeat", "node", "at", "freq", "active", "processed"}
//       -> monitor.worker {monitor, node, event: online | heartbeat | offline, at, freq, active, processed}
//   {"status": "offline", "node", "at", "last_heartbeat", "expires"}
//       -> monitor.status {monitor, node, status: online | offline, at, last_heartbeat, expires}
//   {"event": "task-started", "id", "name", "node", "at", "runtime", "exception"}
//       -> monitor.task {monitor, id, name, node, state: sent | received | started | succeeded | failed | retried |
//                        rejected | revoked, at, runtime, exception}
// (`at`: the monitor's wall clock, epoch seconds; the event's `t` is when the follower read it, at most
// k_follow_interval later.) A line that is not a JSON object of one of these shapes is skipped; a line still being
// written waits for its newline. MonitorFollowers follows every monitor of a Stack on a thread of its own while the
// steps run.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/history/history.h"
#include "harness/run/json_lines_tail.h"
#include "harness/stack/stack.h"

namespace harness::run {

class MonitorFollower {
public:
  // `instances`: node name -> worker instance ("worker-1@cc-x" -> "worker.1"). REQUIRES: `history` outlives it.
  // The file need not exist yet (the monitor creates it when it starts).
  MonitorFollower(std::string monitor, history::History& history, std::filesystem::path jsonl,
                  std::map<std::string, std::string> instances);

  // Records every complete line appended since the last call. From one thread at a time.
  void consume();

private:
  void record(const nlohmann::json& line);

  std::string m_monitor;
  history::History& m_history;
  JsonLinesTail m_lines;
  std::map<std::string, std::string> m_instances;
};

class MonitorFollowers {
public:
  static constexpr std::chrono::milliseconds k_follow_interval{100};

  // Follows every celery-monitor instance of `stack` (nothing when there is none), from now on.
  MonitorFollowers(const stack::Stack& stack, history::History& history);
  ~MonitorFollowers();  // stop(); noexcept
  MonitorFollowers(const MonitorFollowers&) = delete;
  MonitorFollowers& operator=(const MonitorFollowers&) = delete;
  // Ends the thread after a last read of every file: what the monitors wrote so far is in the History. Idempotent.
  void stop();

private:
  std::vector<std::unique_ptr<MonitorFollower>> m_followers;
  std::atomic<bool> m_stopping{false};
  std::thread m_thread;
};

}  // namespace harness::run
