#pragma once
// The History of a run: one append-only list of Events, the single source of truth that checks read.
// Written as JSON lines, one flushed line per event, so a killed harness leaves a valid file up to its last line:
//   {"t":1.234,"time":"2026-11-22T17:41:03.125Z","type":"service.ready","service":"broker","data":{...}}
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string_view>
#include <vector>

#include "harness/run/event.h"
#include "harness/util/clock.h"
#include "harness/util/status.h"

namespace harness::run {

class History {
public:
  History(const util::Clock& clock, std::filesystem::path jsonl_path);

  util::Status open();  // creates parent folders; k_infrastructure when the file cannot be written
  // Stamps t and time, appends, flushes. Thread-safe.
  Event record(std::string type, std::string service = {}, nlohmann::json data = nlohmann::json::object());
  std::vector<Event> events() const;
  std::vector<Event> events_of_type(std::string_view prefix) const;
  // Called (under the History's lock, in order) with every recorded event: --verbose prints through it.
  void set_observer(std::function<void(const Event&)> observer);

private:
  const util::Clock& m_clock;
  std::filesystem::path m_path;
  std::chrono::steady_clock::time_point m_start;
  mutable std::mutex m_mutex;
  std::ofstream m_out;
  std::vector<Event> m_events;
  std::function<void(const Event&)> m_observer;
};

nlohmann::json to_json(const Event& event);
// The event as one JSON line (no newline), fields in the order t, time, type, service, data.
std::string to_line(const Event& event);
util::Expected<Event> event_from_json(const nlohmann::json& json);
// Reads a history.jsonl. A truncated last line (a killed writer) is ignored; any other bad line is an error
// naming the file and line: "history.jsonl:3: not a JSON object".
util::Expected<std::vector<Event>> read_history(const std::filesystem::path& path);

}  // namespace harness::run
