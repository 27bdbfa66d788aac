#include "harness/run/history.h"

#include <cmath>

#include "harness/util/time_format.h"

namespace harness::run {

History::History(const util::Clock& clock, std::filesystem::path jsonl_path)
    : m_clock(clock), m_path(std::move(jsonl_path)), m_start(clock.now()) {}

util::Status History::open() {
  std::error_code ec;
  if (m_path.has_parent_path()) std::filesystem::create_directories(m_path.parent_path(), ec);
  std::lock_guard lock(m_mutex);
  m_out.open(m_path, std::ios::binary | std::ios::app);
  if (!m_out) return util::Status::infrastructure("cannot write " + m_path.string());
  return util::Status::ok();
}

Event History::record(std::string type, std::string service, nlohmann::json data) {
  Event event;
  event.type = std::move(type);
  event.service = std::move(service);
  event.data = std::move(data);
  std::lock_guard lock(m_mutex);
  event.t = std::chrono::duration<double>(m_clock.now() - m_start).count();
  event.time = util::iso8601_utc(m_clock.wall_now());
  if (m_out.is_open()) {
    m_out << to_line(event) << '\n';
    m_out.flush();
  }
  m_events.push_back(event);
  if (m_observer) m_observer(event);
  return event;
}

std::vector<Event> History::events() const {
  std::lock_guard lock(m_mutex);
  return m_events;
}

std::vector<Event> History::events_of_type(std::string_view prefix) const {
  std::lock_guard lock(m_mutex);
  std::vector<Event> out;
  for (const auto& e : m_events) {
    if (e.type.compare(0, prefix.size(), prefix) == 0) out.push_back(e);
  }
  return out;
}

void History::set_observer(std::function<void(const Event&)> observer) {
  std::lock_guard lock(m_mutex);
  m_observer = std::move(observer);
}

std::string to_line(const Event& event) {
  // Fields in a fixed, readable order (nlohmann::json would sort them): t, time, type, service, data.
  constexpr auto k_replace = nlohmann::json::error_handler_t::replace;
  std::string line = "{\"t\":" + nlohmann::json(std::round(event.t * 1e6) / 1e6).dump() +
                     ",\"time\":" + nlohmann::json(event.time).dump(-1, ' ', false, k_replace) +
                     ",\"type\":" + nlohmann::json(event.type).dump(-1, ' ', false, k_replace);
  if (!event.service.empty()) line += ",\"service\":" + nlohmann::json(event.service).dump(-1, ' ', false, k_replace);
  return line + ",\"data\":" + event.data.dump(-1, ' ', false, k_replace) + "}";
}

nlohmann::json to_json(const Event& event) {
  nlohmann::json j = {{"t", std::round(event.t * 1e6) / 1e6}, {"time", event.time}, {"type", event.type}};
  if (!event.service.empty()) j["service"] = event.service;
  j["data"] = event.data;
  return j;
}

util::Expected<Event> event_from_json(const nlohmann::json& json) {
  if (!json.is_object()) return util::Status::invalid("not a JSON object");
  if (!json.contains("type") || !json["type"].is_string()) return util::Status::invalid("no \"type\" string");
  if (!json.contains("t") || !json["t"].is_number()) return util::Status::invalid("no \"t\" number");
  Event e;
  e.t = json["t"].get<double>();
  e.type = json["type"].get<std::string>();
  e.time = json.value("time", std::string{});
  e.service = json.value("service", std::string{});
  e.data = json.value("data", nlohmann::json::object());
  return e;
}

util::Expected<std::vector<Event>> read_history(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return util::Status::invalid(path.string() + ": cannot read");
  std::vector<std::string> lines;
  std::string line;
  bool last_complete = true;
  while (std::getline(in, line)) {
    last_complete = !in.eof();
    lines.push_back(line);
  }
  std::vector<Event> events;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const bool is_last = i + 1 == lines.size();
    auto json = nlohmann::json::parse(lines[i], nullptr, false);
    if (json.is_discarded()) {
      if (is_last && !last_complete) break;  // a writer killed mid-line
      return util::Status::invalid(path.filename().string() + ":" + std::to_string(i + 1) + ": not valid JSON");
    }
    auto event = event_from_json(json);
    if (!event) return util::Status::invalid(path.filename().string() + ":" + std::to_string(i + 1) + ": " + event.error().message());
    events.push_back(std::move(event.value()));
  }
  return events;
}

}  // namespace harness::run
