#pragma once
// What the delivery check judges, read from a run's files (or built by hand in tests):
//   history.jsonl  load.publish events (one per publish: {load, id, outcome, at, took_ms[, error]}) and
//                  fault.start / fault.end events; every other event is ignored
//   ledger.jsonl   one execution per line, as fixtures/celery/probe.py `_record` writes it:
//                  {"task_id", "task", "worker", "pid", "attempt", "redelivered", "started", "finished"[, "result"]}
// Times are wall-clock epoch seconds (a fault's from the event's "time", ISO 8601 UTC with milliseconds).
//
// Compact by design (the checker must read 1,000,000 publishes and executions in well under a second and 200 MB):
// ids are TaskKeys, names are indexes into NameTables, and the files are read in chunks, never whole.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/check/task_ids.h"
#include "harness/util/status.h"

namespace harness::check {

enum class PublishOutcome : std::uint8_t {
  k_confirmed,  // the broker confirmed it (publisher confirms)
  k_sent,       // returned without error, no confirm asked
  k_failed,     // the publish call raised
  k_timeout,    // no confirm within the publish timeout
};
const char* to_string(PublishOutcome outcome);
std::optional<PublishOutcome> parse_publish_outcome(std::string_view text);
// Confirmed or sent: the client was told the task is on its way.
inline bool is_accepted(PublishOutcome outcome) {
  return outcome == PublishOutcome::k_confirmed || outcome == PublishOutcome::k_sent;
}

struct Publish {
  TaskKey id;
  double at = 0;               // when the publish call began, epoch seconds
  std::uint32_t error = 0;     // DeliveryInput::errors index; 0 = "" (no error)
  std::uint16_t load = 0;      // DeliveryInput::loads index
  PublishOutcome outcome = PublishOutcome::k_confirmed;
};

struct Execution {
  TaskKey id;
  double started = 0;          // epoch seconds
  std::uint32_t worker = 0;    // DeliveryInput::workers index
  std::uint16_t attempt = 0;   // Celery's request.retries
  bool redelivered = false;    // the broker's redelivered flag
  std::uint32_t task = 0;      // DeliveryInput::tasks index: the task's name, 0 = "" (the ledger did not say)
};

// One fault, from its fault.start to the matching fault.end (the earliest open start of the same service and
// data.kind). A fault that never ended (kill has no inverse) ends where it starts.
struct FaultWindow {
  std::string kind;            // data.kind: "pause", "kill", ...
  std::string service;         // the event's service: "broker", "worker.1"
  double start = 0;            // epoch seconds
  double end = 0;
  bool ended = false;          // a fault.end was recorded
};

// The longest publish call of a load (load.publish data.took_ms): how long send_task blocked its caller.
struct LongestPublish {
  double took_s = -1;          // < 0: no publish of the load said how long it took
  TaskKey id;
};

struct DeliveryInput {
  DeliveryInput();             // errors and tasks get "" at index 0

  TaskIds ids;
  NameTable loads;
  NameTable workers;
  NameTable errors;
  NameTable tasks;                     // executed tasks' names
  std::vector<std::string> load_tasks; // the loads' tasks (load.begin data.task), each once
  std::vector<Publish> publishes;      // file order
  std::vector<Execution> executions;   // file order
  std::vector<FaultWindow> faults;     // by start
  std::vector<LongestPublish> longest_publish;  // by `loads` index (not every load need have one)
  std::size_t history_lines = 0;       // non-blank lines read, for the report
  std::size_t ledger_lines = 0;
  bool history_truncated = false;      // an unterminated, unparsable last line was ignored
  bool ledger_truncated = false;

  // The convenient way to build one (tests): interns the id and names.
  void add_publish(std::string_view id, std::string_view load, PublishOutcome outcome, double at,
                   std::string_view error = {}, double took_s = -1);
  // Keeps the publish call of `load_index` that took longest.
  void note_publish_took(std::size_t load_index, const TaskKey& id, double took_s);
  // The longest publish call of `load` ("" = of every load); took_s < 0 when none said.
  LongestPublish longest_publish_of(std::string_view load) const;
  void add_execution(std::string_view id, std::string_view worker, double started, bool redelivered = false,
                     int attempt = 0, std::string_view task = {});
  // Whether an execution that no load published counts as a phantom: executions of a load's task, or of a task
  // the ledger did not name, or any when no load.begin said what the loads publish. A `probe.add` that an exec
  // step sent is not a phantom of a load of `probe.record`.
  bool counts_as_phantom(const Execution& execution) const;
  void add_fault(std::string kind, std::string service, double start, std::optional<double> end);

  // Moves `other`'s executions (and its ledger counters) in, re-keying its ids and workers into this input's
  // tables: how a ledger read on its own thread joins the history.
  void merge_executions(DeliveryInput&& other);
};

// Parses "2026-11-22T17:41:03.125Z" (any number of fraction digits, or none) to epoch seconds.
std::optional<double> parse_utc_time(std::string_view text);

// Add the history's publishes and faults to `input`. Blank lines are skipped and an unterminated last line that
// does not parse is ignored (a writer killed mid-line), as history::read_history does. k_invalid_input naming the file
// as given: "cannot read PATH: No such file or directory", "PATH:3: not valid JSON", "PATH:7: load.publish has
// no \"id\" string in \"data\"", "PATH:7: load.publish has an unknown outcome 'lost' (expected confirmed, sent,
// failed or timeout)", "PATH:9: fault.start has a bad \"time\" 'x' (expected e.g. 2026-11-22T17:41:03.125Z)".
util::Status read_history_into(const std::filesystem::path& path, DeliveryInput& input);
// Add the ledger's executions to `input`; the same rules. "PATH:2: no \"task_id\" string", "PATH:2: no
// \"started\" number".
util::Status read_ledger_into(const std::filesystem::path& path, DeliveryInput& input);

}  // namespace harness::check
