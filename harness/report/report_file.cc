#include "harness/report/report_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

namespace harness::report {

util::Status write_report_file(const std::filesystem::path& path, std::string_view content) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) return util::Status::infrastructure("cannot create " + path.parent_path().string() + ": " + ec.message());
  }
  fs::path temporary = path;
  temporary += ".tmp";
  errno = 0;
  std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) {
    const int error = errno;
    fs::remove(temporary, ec);
    return util::Status::infrastructure("cannot write " + path.string() +
                                        (error != 0 ? std::string(": ") + std::strerror(error) : std::string{}));
  }
  fs::rename(temporary, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    return util::Status::infrastructure("cannot write " + path.string() + ": " + ec.message());
  }
  return util::Status::ok();
}

}  // namespace harness::report
