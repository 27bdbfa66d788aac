#include "harness/util/log_tail.h"

#include <fstream>

namespace harness::util {

std::string tail_file(const std::filesystem::path& path, std::size_t max_lines, std::size_t max_bytes) {
  if (max_lines == 0 || max_bytes == 0) return {};
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  if (size <= 0) return {};
  const auto window = static_cast<std::streamoff>(max_bytes);
  // One byte more than the window, to see whether the window begins at a line start.
  const bool cut = size > window;
  const std::streamoff start = cut ? size - window - 1 : 0;
  in.seekg(start);
  std::string text(static_cast<std::size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));

  if (cut && !text.empty()) {
    // The window may begin mid-line: drop that fragment, unless it is all there is (then drop the extra byte).
    const auto newline = text.find('\n');
    const bool only_line = newline == std::string::npos || newline + 1 == text.size();
    text.erase(0, only_line ? 1 : newline + 1);
  }
  // Walk back over max_lines line ends; a last line without '\n' counts as a line.
  std::size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;
  std::size_t lines = 0;
  while (end > 0) {
    const auto newline = text.rfind('\n', end - 1);
    if (newline == std::string::npos) break;
    if (++lines == max_lines) return text.substr(newline + 1);
    end = newline;
  }
  return text;
}

}  // namespace harness::util
