#include "harness/util/log_tail.h"

#include <fstream>

namespace harness::util {

std::string tail_file(const std::filesystem::path& path, std::size_t max_lines, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  const std::streamoff start = size > static_cast<std::streamoff>(max_bytes) ? size - static_cast<std::streamoff>(max_bytes) : 0;
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (start > 0) {
    const auto newline = text.find('\n');  // drop the partial first line
    text = newline == std::string::npos ? std::string{} : text.substr(newline + 1);
  }
  size_t lines = 0;
  size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  while (pos > 0) {
    const auto newline = text.rfind('\n', pos - 1);
    if (newline == std::string::npos) break;
    if (++lines == max_lines) return text.substr(newline + 1);
    pos = newline;
  }
  return text;
}

}  // namespace harness::util
