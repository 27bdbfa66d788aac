#pragma once
// Text that arrives in pieces (a stream's chunks, a file as it grows) cut into complete lines: a line still being
// written waits in the buffer for the piece that ends it. Used by the followers of JSON-lines files
// (run/json_lines_tail.h) and of the Docker Engine's streams (a pull's progress, a container's /events).
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace harness::util {

class LineBuffer {
public:
  // Appends `piece` and calls `take` with each line it completes, in order, without its '\n'.
  void append(std::string_view piece, const std::function<void(std::string_view line)>& take) {
    m_partial.append(piece);
    std::size_t start = 0;
    for (std::size_t nl; (nl = m_partial.find('\n', start)) != std::string::npos; start = nl + 1)
      take(std::string_view(m_partial).substr(start, nl - start));
    m_partial.erase(0, start);
  }
  // What followed the last '\n' (a last line without one), taken out of the buffer.
  std::string take_rest() { return std::exchange(m_partial, {}); }

private:
  std::string m_partial;
};

}  // namespace harness::util
