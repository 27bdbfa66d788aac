#include "harness/run/json_lines_tail.h"

namespace harness::run {

void JsonLinesTail::read_new(const std::function<void(nlohmann::json& line)>& take) {
  if (!m_in.is_open()) {
    m_in.open(m_path);
    if (!m_in.is_open()) return;  // not created yet
  }
  char buffer[65536];
  while (m_in.read(buffer, sizeof buffer) || m_in.gcount() > 0) {
    m_lines.append(std::string_view(buffer, static_cast<size_t>(m_in.gcount())), [&take](std::string_view text) {
      auto line = nlohmann::json::parse(text, nullptr, false);
      if (line.is_object()) take(line);
    });
  }
  m_in.clear();  // EOF for now; the writer may append more
}

}  // namespace harness::run
