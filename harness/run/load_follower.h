#pragma once
// How a load follows its client: fixtures/celery/load.py appends one JSON line per publish to its output file,
//   {"id": "...", "outcome": "confirmed", "at": 1.23, "took_ms": 4.5[, "error": "..."]}
// and ends with a summary line {"done": true, "published": N, "counts": {...}}; its first line names its software,
// {"client": {"python": V, "celery": V, "kombu": V, "amqp": V, "redis": V}}, which load.end carries as
// client_versions (what published: under the docker driver, the stack image's). The LoadFollower reads what is
// new in that file (consume(), called by the load's thread while the client runs and once after it exited),
// turns every complete publish line into a load.publish event {load, id, outcome, at, took_ms[, error]}, keeps the
// accepted ids (outcome confirmed or sent) and the summary, and finally records load.end (finish()). A line that is
// not a JSON object is skipped; a line still being written waits for its newline.
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/history/history.h"
#include "harness/process/exit_status.h"
#include "harness/run/json_lines_tail.h"

namespace harness::run {

class LoadFollower {
public:
  // REQUIRES: `history` outlives the follower. The file at `jsonl` is read once it exists (json_lines_tail.h).
  LoadFollower(std::string load, history::History& history, const std::filesystem::path& jsonl);

  // Reads what the client appended since the last call. Called from one thread; the getters from any.
  void consume();
  // Records load.end {load, published, counts, stopped[, exit_code][, client_versions][, log_tail]} from the summary line, the
  // client's exit `status` and whether the harness `stopped` it; returns why the load failed ("load 'NAME' client
  // exited with exit code 1 before its end; its log (LOG) ends with:\n..."): the client exited without its summary
  // line and was not stopped. Empty otherwise.
  std::string finish(const std::optional<process::ExitStatus>& status, bool stopped, const std::filesystem::path& log);

  std::size_t published() const;
  std::vector<std::string> accepted() const;

private:
  void publish(const nlohmann::json& line);

  std::string m_load;
  history::History& m_history;
  JsonLinesTail m_lines;
  nlohmann::json m_summary = nlohmann::json::object();
  nlohmann::json m_client;  // the first line's "client": the client's versions
  mutable std::mutex m_mutex;
  std::size_t m_published = 0;
  std::vector<std::string> m_accepted;
};

}  // namespace harness::run
