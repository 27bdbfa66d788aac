#pragma once
// Loads: the `load` steps of a run. Each runs the fixture's Celery client (fixtures/celery/load.py) with a worker
// service's software and environment (its broker URL and Celery settings, like `docker exec`), in the background
// while later steps run: a child process under the local driver, a container of the stack's image under the docker
// and swarm drivers (Service::spawn_client), so that it publishes with the stack's Celery, kombu and py-amqp. The client writes one JSON line per publish to loads/<name>.jsonl; a thread
// here follows that file as it grows (LoadFollower) and turns every line into a History event:
//   load.begin {load, task, count, duration_s, rate, service, command, client: {pid[, container]}}
//   load.publish {load, id, outcome, at, took_ms[, error]}   outcome: confirmed | sent | failed | timeout
//   load.end {load, published, counts, exit_code, stopped[, log_tail]}
// `wait: {drained: true}` (wait_drained) waits until every load has ended and every accepted publish (confirmed
// or sent) has an execution in the Ledger; with none accepted it fails (a wait on nothing proves nothing).
#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/process/child_process.h"
#include "harness/history/history.h"
#include "harness/run/ledger.h"
#include "harness/run/load_follower.h"
#include "harness/stack/run_control.h"
#include "harness/stack/stack.h"
#include "harness/scenario/model.h"

namespace harness::run {

class Load {
public:
  // Starts the client. k_invalid_input for an unknown service; k_infrastructure when it cannot be spawned.
  static util::Expected<std::unique_ptr<Load>> start(const scenario::LoadStep& step, const stack::Stack& stack,
                                                     history::History& history, const std::filesystem::path& report_dir);
  ~Load();  // stop(); noexcept
  Load(const Load&) = delete;
  Load& operator=(const Load&) = delete;

  const std::string& name() const { return m_name; }
  // The client has exited and every line it wrote has become an event (load.end recorded).
  bool ended() const { return m_ended; }
  // Stops a client still publishing (SIGUSR1: its stacks into its log; SIGTERM, then SIGKILL) and waits until
  // load.end is recorded. Idempotent.
  void stop();
  // Task ids of the accepted publishes (confirmed or sent) so far.
  std::vector<std::string> accepted() const;
  // Publishes so far, whatever their outcome.
  std::size_t published() const;
  // Why the client failed (it exited with an error before its end), empty otherwise; valid once ended().
  std::string failure() const;

private:
  Load(std::string name, history::History& history, std::filesystem::path jsonl, std::filesystem::path log)
      : m_name(std::move(name)), m_history(history), m_jsonl(std::move(jsonl)), m_log(std::move(log)) {}
  void follow();
  void dump_stacks();  // before a stop: the client's Python stacks into its log

  std::string m_name;
  history::History& m_history;
  std::filesystem::path m_jsonl;
  std::filesystem::path m_log;
  std::unique_ptr<driver::Client> m_child;
  std::unique_ptr<LoadFollower> m_lines;
  std::thread m_follower;
  std::atomic<bool> m_ended{false};
  std::atomic<bool> m_stopped{false};
  mutable std::mutex m_mutex;
  std::string m_failure;
};

// Every load of a run, in step order.
class Loads {
public:
  util::Status start(const scenario::LoadStep& step, const stack::Stack& stack, history::History& history,
                     const std::filesystem::path& report_dir);
  bool empty() const { return m_loads.empty(); }
  bool all_ended() const;
  void stop_all();
  // Until every load has ended and every accepted task has executed (as `ledger` sees it), or `timeout`; a
  // non-empty string is why not: "N of M accepted tasks not executed after 60s (first: ...)". Loads that all
  // ended without one accepted publish are not drained: there was nothing to wait for, which says so at once.
  std::string wait_drained(Ledger& ledger, std::chrono::milliseconds timeout, const stack::RunControl& control) const;

private:
  std::vector<std::unique_ptr<Load>> m_loads;
};

}  // namespace harness::run
