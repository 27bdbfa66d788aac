#include "harness/run/monitor_follower.h"

namespace harness::run {

namespace {
// "worker-heartbeat" -> "heartbeat"; empty when `text` does not start with `prefix`.
std::string without_prefix(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0 ? text.substr(prefix.size()) : std::string{};
}

// The data of an event: {monitor, node, KEY: value} and each of `keys` the line has.
nlohmann::json data_of(const std::string& monitor, const nlohmann::json& line, const char* key,
                       const std::string& value, std::initializer_list<const char*> keys) {
  nlohmann::json data = {{"monitor", monitor}, {"node", line.value("node", std::string{})}, {key, value}};
  for (const char* k : keys)
    if (line.contains(k) && !line[k].is_null()) data[k] = line[k];
  return data;
}
}  // namespace

MonitorFollower::MonitorFollower(std::string monitor, history::History& history, std::filesystem::path jsonl,
                                 std::map<std::string, std::string> instances)
    : m_monitor(std::move(monitor)), m_history(history), m_lines(std::move(jsonl)),
      m_instances(std::move(instances)) {}

void MonitorFollower::consume() {
  m_lines.read_new([this](const nlohmann::json& line) {
    // A field of another type ("node": null) makes it a line of another shape: skipped, never thrown on this
    // thread (it would end the harness and leave its services running).
    try {
      record(line);
    } catch (const nlohmann::json::exception&) {
    }
  });
}

void MonitorFollower::record(const nlohmann::json& line) {
  const std::string node = line.value("node", std::string{});
  const auto instance = m_instances.find(node);
  const std::string service = instance == m_instances.end() ? std::string{} : instance->second;
  const std::string status = line.value("status", std::string{});
  const std::string event = line.value("event", std::string{});
  if (status == "online" || status == "offline") {
    m_history.record(history::EventType::k_monitor_status, service,
                     data_of(m_monitor, line, "status", status, {"at", "last_heartbeat", "expires"}));
  } else if (const auto worker = without_prefix(event, "worker-"); !worker.empty()) {
    m_history.record(history::EventType::k_monitor_worker, service,
                     data_of(m_monitor, line, "event", worker, {"at", "freq", "active", "processed"}));
  } else if (const auto task = without_prefix(event, "task-"); !task.empty()) {
    m_history.record(history::EventType::k_monitor_task, service,
                     data_of(m_monitor, line, "state", task, {"id", "name", "at", "runtime", "exception"}));
  }
}

MonitorFollowers::MonitorFollowers(const stack::Stack& stack, history::History& history) {
  std::map<std::string, std::string> instances;  // node -> worker instance
  for (const auto& service : stack.services()) {
    if (service->kind() != "celery-worker") continue;
    const auto keys = service->placeholders();
    if (auto node = keys.find("node"); node != keys.end()) instances[node->second] = service->name();
  }
  for (const auto& service : stack.services()) {
    if (service->kind() != "celery-monitor") continue;
    const auto keys = service->placeholders();
    if (auto events = keys.find("events"); events != keys.end())
      m_followers.push_back(std::make_unique<MonitorFollower>(service->name(), history, events->second, instances));
  }
  if (m_followers.empty()) return;
  m_thread = std::thread([this] {
    while (!m_stopping) {
      for (auto& follower : m_followers) follower->consume();
      const auto next = std::chrono::steady_clock::now() + k_follow_interval;
      while (!m_stopping && std::chrono::steady_clock::now() < next)
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
  });
}

MonitorFollowers::~MonitorFollowers() { stop(); }

void MonitorFollowers::stop() {
  if (m_stopping.exchange(true)) return;
  if (m_thread.joinable()) m_thread.join();
  for (auto& follower : m_followers) follower->consume();  // what was written until now
}

}  // namespace harness::run
