#include "harness/util/private_dir.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace harness::util {

namespace {
namespace fs = std::filesystem;

// Closes its descriptor when it goes out of scope.
class Fd {
public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

private:
  int m_fd;
};

Status refused(const fs::path& dir, const std::string& why) {
  return Status::infrastructure("cannot use the folder " + dir.string() + ": " + why);
}

// `path` without a trailing separator: "/a/b/" would make open() follow a link at b.
fs::path without_trailing_separator(const fs::path& path) {
  fs::path normal = path.lexically_normal();
  if (normal.has_parent_path() && !normal.has_filename()) normal = normal.parent_path();
  return normal;
}
}  // namespace

Status make_private_dir(const fs::path& path, std::optional<gid_t> traverse_group) {
  const fs::path dir = without_trailing_separator(path);
  const fs::path parent = dir.parent_path();
  struct stat st {};
  if (!parent.empty() && parent != dir && ::stat(parent.c_str(), &st) != 0 && errno == ENOENT) {
    if (auto status = make_private_dir(parent, traverse_group); !status) return status;
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::infrastructure("cannot create the folder " + dir.string() + ": " + std::strerror(errno));
  }
  const Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    const int error = errno;
    if (::lstat(dir.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      return refused(dir, "it is a symbolic link (refused: it could point anywhere)");
    }
    if (error == ENOTDIR) return refused(dir, "it is not a folder");
    return refused(dir, std::strerror(error));
  }
  if (::fstat(fd.get(), &st) != 0) return refused(dir, std::strerror(errno));
  if (st.st_uid != ::geteuid()) {
    return refused(dir, "it is owned by uid " + std::to_string(st.st_uid) + ", not by this user (uid " +
                            std::to_string(::geteuid()) + ")");
  }
  if (traverse_group && st.st_gid != *traverse_group && ::fchown(fd.get(), static_cast<uid_t>(-1), *traverse_group) != 0) {
    return refused(dir, std::string("cannot give it to its group: ") + std::strerror(errno));
  }
  const mode_t mode = traverse_group ? 0710 : 0700;
  if ((st.st_mode & 07777) != mode && ::fchmod(fd.get(), mode) != 0) {
    return refused(dir, std::string("cannot make it private: ") + std::strerror(errno));
  }
  return Status::ok();
}

Status write_private_file(const fs::path& path, const std::string& content) {
  const Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) return Status::infrastructure("cannot write " + path.string() + ": " + std::strerror(errno));
  if (::fchmod(fd.get(), 0600) != 0) {
    return Status::infrastructure("cannot make " + path.string() + " private: " + std::strerror(errno));
  }
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::infrastructure("cannot write " + path.string() + ": " + std::strerror(errno));
    written += static_cast<std::size_t>(n);
  }
  return Status::ok();
}

std::optional<gid_t> service_traverse_group() {
  if (::geteuid() != 0) return std::nullopt;
  const group* postgres = ::getgrnam("postgres");
  if (postgres == nullptr) return std::nullopt;
  return postgres->gr_gid;
}

}  // namespace harness::util
