#pragma once
// The History of a run: one append-only list of Events, the single source of truth that checks read.
// Written as JSON lines, one flushed line per event, so a killed harness leaves a valid file up to its last line:
//   {"t":1.234,"time":"2026-11-22T17:41:03.125Z","type":"service.ready","service":"broker","data":{...}}
// ("service" is left out when empty). t is seconds since the History was constructed, from Clock::now();
// time is Clock::wall_now() in UTC. Both come from the injected Clock, so tests script them with ManualClock.
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/history/event.h"
#include "harness/history/event_type.h"
#include "harness/util/clock.h"
#include "harness/util/status.h"

namespace harness::history {

class History {
public:
  // REQUIRES: `clock` outlives the History. Nothing is written before open().
  History(const util::Clock& clock, std::filesystem::path jsonl_path);

  // Creates the parent folders and opens the file for appending. k_infrastructure, naming the path and the
  // reason, when that fails. Without a successful open() the History still keeps its events in memory.
  util::Status open();

  // Stamps t and time, appends the line and flushes it to the OS before returning, keeps the event in memory.
  // Thread-safe; events appear in the file and in events() in the order of their t.
  Event record(EventType type, std::string service = {}, nlohmann::json data = nlohmann::json::object());

  // Appends events read back from a finished run (read_history), kept as they are (t and time not stamped) and
  // not written to the file: how `celery-chaos report` re-judges a run from its history.jsonl.
  void restore(std::vector<Event> events);

  std::vector<Event> events() const;  // a snapshot
  // The events whose type starts with `prefix`: "service." gives service.started, service.ready, ...
  std::vector<Event> events_of_type(std::string_view prefix) const;

  // Called (under the History's lock, in order) with every recorded event: --verbose prints through it.
  // The observer must not call back into this History.
  void set_observer(std::function<void(const Event&)> observer);

private:
  const util::Clock& m_clock;
  const std::filesystem::path m_path;
  const std::chrono::steady_clock::time_point m_start;
  mutable std::mutex m_mutex;
  std::ofstream m_out;
  std::vector<Event> m_events;
  std::function<void(const Event&)> m_observer;
};

// The event as a JSON object: t (rounded to microseconds), time, type, service (when not empty), data.
nlohmann::json to_json(const Event& event);
// The event as one JSON line (no newline), fields in the order t, time, type, service, data; strings that are
// not valid UTF-8 get U+FFFD instead of throwing.
std::string to_line(const Event& event);
// The inverse of to_json. k_invalid_input naming the first problem: "not a JSON object", "no \"t\" number",
// "no \"type\" string", "\"time\" is not a string", "\"service\" is not a string".
util::Expected<Event> event_from_json(const nlohmann::json& json);
// Reads a history.jsonl. Blank lines are skipped. A truncated last line (no newline and not valid JSON: a
// writer killed mid-line) is ignored; any other bad line is k_invalid_input naming the file as given and the
// line: "reports/x/history.jsonl:3: not valid JSON". A file that cannot be read is k_invalid_input too.
util::Expected<std::vector<Event>> read_history(const std::filesystem::path& path);

}  // namespace harness::history
