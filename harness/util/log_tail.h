#pragma once
// The end of a log file, for reports: what a service said last is usually why it failed.
#include <cstddef>
#include <filesystem>
#include <string>

namespace harness::util {

// The last `max_lines` lines of the file at `path`, reading at most its last `max_bytes` bytes, so a log of
// gigabytes costs one seek. The line cut in half by the byte limit is dropped, unless it is the only line in
// the window (one huge line is still evidence), in which case its last `max_bytes` bytes are kept. The text is
// returned as stored: not decoded, not sanitised. A missing or unreadable file, or max_lines == 0, gives "".
std::string tail_file(const std::filesystem::path& path, std::size_t max_lines = 40, std::size_t max_bytes = 16384);

}  // namespace harness::util
