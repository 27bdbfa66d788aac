#include "harness/driver/local/binaries.h"

#include <unistd.h>

#include <algorithm>

namespace harness::driver::local {

util::Expected<std::filesystem::path> find_program(const std::string& what,
                                                   const std::vector<std::filesystem::path>& candidates,
                                                   const std::string& package) {
  std::string looked;
  for (const auto& candidate : candidates) {
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (!looked.empty()) looked += ", ";
    looked += candidate.string();
  }
  return util::Status::infrastructure(what + " not found (looked in " + looked + "): install the Debian package " +
                                      package + " (scripts/install-deps does)");
}

util::Expected<std::filesystem::path> postgres_bin_dir() {
  std::vector<std::filesystem::path> dirs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    if (::access((entry.path() / "bin" / "postgres").c_str(), X_OK) == 0) dirs.push_back(entry.path() / "bin");
  }
  if (dirs.empty()) {
    return util::Status::infrastructure(
        "postgres not found (looked in /usr/lib/postgresql/*/bin/postgres): install the Debian package postgresql "
        "(scripts/install-deps does)");
  }
  std::sort(dirs.begin(), dirs.end(), [](const auto& a, const auto& b) {
    return std::stoi(a.parent_path().filename().string()) < std::stoi(b.parent_path().filename().string());
  });
  return dirs.back();
}

}  // namespace harness::driver::local
