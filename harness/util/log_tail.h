#pragma once
#include <cstddef>
#include <filesystem>
#include <string>

namespace harness::util {

// The last `max_lines` lines of a file, reading at most its last `max_bytes` bytes (logs may be large).
// A missing or unreadable file gives an empty string.
std::string tail_file(const std::filesystem::path& path, std::size_t max_lines = 40, std::size_t max_bytes = 16384);

}  // namespace harness::util
