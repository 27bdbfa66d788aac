#include "harness/process/proc_stat.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <string>

namespace harness::process {

namespace {
// Parses the next space-separated decimal field of `rest`; false when missing or not a number.
template <typename T>
bool next_number(std::string_view& rest, T& out) {
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), out);
  if (error != std::errc{}) return false;
  rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
  return true;
}

bool skip_field(std::string_view& rest) {
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const auto space = rest.find(' ');
  if (space == std::string_view::npos) return false;
  rest.remove_prefix(space);
  return true;
}
}  // namespace

std::string read_proc_file(pid_t pid, const char* name) {
  const std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string content;
  char buffer[4096];
  while (true) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      content.append(buffer, static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      break;  // end, or the process went away mid-read (ESRCH): what was read is all there is
    }
  }
  ::close(fd);
  return content;
}

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  const std::string stat = read_proc_file(pid, "stat");
  // "pid (comm) state ppid pgrp ..."; comm may contain spaces and parentheses, so parse after the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return std::nullopt;
  std::string_view rest(stat);
  rest.remove_prefix(close + 2);
  ProcStat out;
  out.state = rest.front();
  rest.remove_prefix(1);
  if (!next_number(rest, out.ppid) || !next_number(rest, out.pgrp)) return std::nullopt;
  for (int field = 6; field < 22; ++field) {
    if (!skip_field(rest)) return std::nullopt;
  }
  if (!next_number(rest, out.start_time)) return std::nullopt;
  return out;
}

std::optional<std::string_view> environ_value(std::string_view environ, std::string_view name) {
  while (!environ.empty()) {
    const auto end = environ.find('\0');
    const std::string_view entry = environ.substr(0, end);
    if (entry.size() > name.size() && entry[name.size()] == '=' && entry.substr(0, name.size()) == name) {
      return entry.substr(name.size() + 1);
    }
    if (end == std::string_view::npos) break;
    environ.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    if (auto stat = read_proc_stat(pid); stat && stat->ppid == parent && !stat->dead()) children.push_back(pid);
  }
  return children;
}

std::optional<pid_t> innermost_pid(pid_t pid) {
  std::istringstream status(read_proc_file(pid, "status"));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("NSpid:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    long value = 0, last = -1;
    while (fields >> value) last = value;
    if (last > 0) return static_cast<pid_t>(last);
  }
  return std::nullopt;
}

bool send_signal(pid_t pid, int sig) { return pid > 0 && ::kill(pid, sig) == 0; }

}  // namespace harness::process
