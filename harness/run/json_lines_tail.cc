#include "harness/run/json_lines_tail.h"

namespace harness::run {

void JsonLinesTail::read_new(const std::function<void(nlohmann::json& line)>& take) {
  if (!m_in.is_open()) {
    m_in.open(m_path);
    if (!m_in.is_open()) return;  // not created yet
  }
  char buffer[65536];
  while (m_in.read(buffer, sizeof buffer) || m_in.gcount() > 0)
    m_partial.append(buffer, static_cast<size_t>(m_in.gcount()));
  m_in.clear();  // EOF for now; the writer may append more
  std::size_t start = 0;
  for (std::size_t nl; (nl = m_partial.find('\n', start)) != std::string::npos; start = nl + 1) {
    auto line = nlohmann::json::parse(m_partial.begin() + static_cast<long>(start),
                                      m_partial.begin() + static_cast<long>(nl), nullptr, false);
    if (line.is_object()) take(line);
  }
  m_partial.erase(0, start);
}

}  // namespace harness::run
