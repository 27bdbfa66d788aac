#include "harness/history/history.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <iterator>
#include <system_error>

#include "harness/util/time_format.h"

namespace harness::history {

namespace {
constexpr auto k_replace_invalid_utf8 = nlohmann::json::error_handler_t::replace;

// Microseconds are plenty and keep lines short: 1.5, not 1.5000000000000002.
double rounded_t(double t) { return std::round(t * 1e6) / 1e6; }

std::string dump(const nlohmann::json& json) { return json.dump(-1, ' ', false, k_replace_invalid_utf8); }
}  // namespace

History::History(const util::Clock& clock, std::filesystem::path jsonl_path)
    : m_clock(clock), m_path(std::move(jsonl_path)), m_start(clock.now()) {}

util::Status History::open() {
  std::lock_guard lock(m_mutex);
  if (m_out.is_open()) return util::Status::ok();
  if (m_path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(m_path.parent_path(), ec);
    if (ec) return util::Status::infrastructure("cannot create " + m_path.parent_path().string() + ": " + ec.message());
  }
  errno = 0;
  m_out.open(m_path, std::ios::binary | std::ios::app);
  if (!m_out) {
    const int error = errno;
    return util::Status::infrastructure("cannot write " + m_path.string() +
                                        (error != 0 ? std::string(": ") + std::strerror(error) : std::string{}));
  }
  return util::Status::ok();
}

Event History::record(EventType type, std::string service, nlohmann::json data) {
  Event event;
  event.type = std::string(name(type));
  event.service = std::move(service);
  event.data = std::move(data);
  std::lock_guard lock(m_mutex);  // held while stamping, so file order is t order
  event.t = std::chrono::duration<double>(m_clock.now() - m_start).count();
  event.time = util::iso8601_utc(m_clock.wall_now());
  if (m_out.is_open()) {
    m_out << to_line(event) << '\n';
    m_out.flush();  // a killed harness must leave every recorded line behind
  }
  m_events.push_back(event);
  if (m_observer) m_observer(event);
  return event;
}

void History::restore(std::vector<Event> events) {
  std::lock_guard lock(m_mutex);
  m_events.insert(m_events.end(), std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
}

std::vector<Event> History::events() const {
  std::lock_guard lock(m_mutex);
  return m_events;
}

std::vector<Event> History::events_of_type(std::string_view prefix) const {
  std::lock_guard lock(m_mutex);
  std::vector<Event> out;
  for (const auto& e : m_events) {
    if (std::string_view(e.type).starts_with(prefix)) out.push_back(e);
  }
  return out;
}

void History::set_observer(std::function<void(const Event&)> observer) {
  std::lock_guard lock(m_mutex);
  m_observer = std::move(observer);
}

std::string to_line(const Event& event) {
  // Fields in a fixed, readable order (nlohmann::json would sort them alphabetically).
  std::string line = "{\"t\":" + dump(rounded_t(event.t)) + ",\"time\":" + dump(event.time) +
                     ",\"type\":" + dump(event.type);
  if (!event.service.empty()) line += ",\"service\":" + dump(event.service);
  return line + ",\"data\":" + dump(event.data) + "}";
}

nlohmann::json to_json(const Event& event) {
  nlohmann::json j = {{"t", rounded_t(event.t)}, {"time", event.time}, {"type", event.type}};
  if (!event.service.empty()) j["service"] = event.service;
  j["data"] = event.data;
  return j;
}

util::Expected<Event> event_from_json(const nlohmann::json& json) {
  // Types are checked before any get<>(): malformed input is a value, never an exception.
  if (!json.is_object()) return util::Status::invalid("not a JSON object");
  const auto t = json.find("t");
  if (t == json.end() || !t->is_number()) return util::Status::invalid("no \"t\" number");
  const auto type = json.find("type");
  if (type == json.end() || !type->is_string()) return util::Status::invalid("no \"type\" string");
  const auto time = json.find("time");
  if (time != json.end() && !time->is_string()) return util::Status::invalid("\"time\" is not a string");
  const auto service = json.find("service");
  if (service != json.end() && !service->is_string()) return util::Status::invalid("\"service\" is not a string");
  Event e;
  e.t = t->get<double>();
  e.type = type->get<std::string>();
  if (time != json.end()) e.time = time->get<std::string>();
  if (service != json.end()) e.service = service->get<std::string>();
  if (const auto data = json.find("data"); data != json.end()) e.data = *data;
  return e;
}

util::Expected<std::vector<Event>> read_history(const std::filesystem::path& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    return util::Status::invalid("cannot read " + path.string() +
                                 (error != 0 ? std::string(": ") + std::strerror(error) : std::string{}));
  }
  std::vector<Event> events;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const bool has_newline = !in.eof();  // getline hit eof: this last line was never terminated
    const auto where = path.string() + ":" + std::to_string(number) + ": ";
    const auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
      if (!has_newline) break;  // a writer killed mid-line
      return util::Status::invalid(where + "not valid JSON");
    }
    auto event = event_from_json(json);
    if (!event) return util::Status::invalid(where + event.error().message());
    events.push_back(std::move(event.value()));
  }
  if (in.bad()) return util::Status::invalid("cannot read " + path.string());
  return events;
}

}  // namespace harness::history
