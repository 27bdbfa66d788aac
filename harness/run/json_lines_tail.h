#pragma once
// A file another process appends JSON lines to while the harness reads it as it grows: a load client's publishes
// (load_follower.h), a celery-monitor's events (monitor_follower.h). Each read_new() hands over, in order, the
// complete lines appended since the last call that are JSON objects; a line still being written waits for its
// newline, a line that is not a JSON object is skipped. The file need not exist yet: it is opened by the first call
// that finds it. From one thread at a time.
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/util/line_buffer.h"

namespace harness::run {

class JsonLinesTail {
public:
  explicit JsonLinesTail(std::filesystem::path path) : m_path(std::move(path)) {}

  // Calls `take` with each new complete line that is a JSON object.
  void read_new(const std::function<void(nlohmann::json& line)>& take);

private:
  std::filesystem::path m_path;
  std::ifstream m_in;
  util::LineBuffer m_lines;  // holds the start of a line still being written
};

}  // namespace harness::run
