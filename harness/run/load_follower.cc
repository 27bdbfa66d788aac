#include "harness/run/load_follower.h"

#include "harness/util/log_tail.h"

namespace harness::run {

LoadFollower::LoadFollower(std::string load, history::History& history, const std::filesystem::path& jsonl)
    : m_load(std::move(load)), m_history(history), m_lines(jsonl) {}

void LoadFollower::consume() {
  m_lines.read_new([this](nlohmann::json& line) {
    if (line.value("done", false))
      m_summary = std::move(line);
    else if (line.contains("client"))
      m_client = std::move(line["client"]);
    else
      publish(line);
  });
}

void LoadFollower::publish(const nlohmann::json& line) {
  nlohmann::json data = {{"load", m_load}};
  for (const char* key : {"id", "outcome", "at", "took_ms", "error"})
    if (line.contains(key)) data[key] = line[key];
  const std::string outcome = line.value("outcome", "");
  {
    std::lock_guard lock(m_mutex);
    ++m_published;
    if (outcome == "confirmed" || outcome == "sent") m_accepted.push_back(line.value("id", ""));
  }
  m_history.record(history::EventType::k_load_publish, {}, std::move(data));
}

std::string LoadFollower::finish(const std::optional<process::ExitStatus>& status, bool stopped,
                                 const std::filesystem::path& log) {
  nlohmann::json end = {{"load", m_load}, {"published", m_summary.value("published", 0)},
                        {"counts", m_summary.value("counts", nlohmann::json::object())}, {"stopped", stopped}};
  if (status) end["exit_code"] = status->code;
  if (!m_client.is_null()) end["client_versions"] = m_client;
  std::string failure;
  if (!m_summary.value("done", false) && !stopped) {
    const std::string tail = util::tail_file(log, 20);
    end["log_tail"] = tail;
    failure = "load '" + m_load + "' client exited with " + (status ? status->describe() : "an unknown status") +
              " before its end; its log (" + log.string() + ") ends with:\n" + tail;
  }
  m_history.record(history::EventType::k_load_end, {}, std::move(end));
  return failure;
}

std::size_t LoadFollower::published() const {
  std::lock_guard lock(m_mutex);
  return m_published;
}

std::vector<std::string> LoadFollower::accepted() const {
  std::lock_guard lock(m_mutex);
  return m_accepted;
}

}  // namespace harness::run
