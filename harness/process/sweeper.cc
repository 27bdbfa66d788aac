#include "harness/process/sweeper.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

namespace harness::process {

namespace {
namespace fs = std::filesystem;
constexpr auto k_kill_run_limit = std::chrono::milliseconds{2000};
constexpr auto k_kill_run_pause = std::chrono::milliseconds{20};

struct Marked {
  pid_t pid = 0;
  std::string owner;
  std::string run;
};

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// (state, start time) of a live process from /proc/<pid>/stat; empty when gone.
std::optional<std::pair<char, std::string>> stat_of(pid_t pid) {
  const std::string stat = read_all("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return std::nullopt;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  char state = '?';
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 3) state = field[0];
    if (i == 22) return std::make_pair(state, field);
  }
  return std::nullopt;
}

std::vector<Marked> marked_processes(pid_t except) {
  std::vector<Marked> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    if (pid == except) continue;
    const std::string environ = read_all(entry.path() / "environ");  // unreadable or gone: empty
    Marked m;
    m.pid = pid;
    size_t pos = 0;
    while (pos < environ.size()) {
      const size_t end = std::min(environ.find('\0', pos), environ.size());
      const std::string_view var(environ.data() + pos, end - pos);
      if (var.rfind("CELERY_CHAOS_OWNER=", 0) == 0) m.owner = var.substr(19);
      if (var.rfind("CELERY_CHAOS_RUN=", 0) == 0) m.run = var.substr(17);
      pos = end + 1;
    }
    if (m.owner.empty()) continue;
    const auto st = stat_of(pid);
    if (!st || st->first == 'Z' || st->first == 'X') continue;  // already dead, waiting to be reaped
    out.push_back(std::move(m));
  }
  return out;
}

bool owner_alive(const std::string& owner) {
  const auto colon = owner.find(':');
  if (colon == std::string::npos) return false;
  pid_t pid = 0;
  try {
    pid = std::stoi(owner.substr(0, colon));
  } catch (...) {
    return false;
  }
  const auto st = stat_of(pid);
  return st && st->first != 'Z' && st->first != 'X' && st->second == owner.substr(colon + 1);
}

void note_run(SweepReport& report, const std::string& run) {
  if (!run.empty() && std::find(report.runs.begin(), report.runs.end(), run) == report.runs.end()) {
    report.runs.push_back(run);
  }
}
}  // namespace

SweepReport sweep_orphans() {
  SweepReport report;
  for (const auto& m : marked_processes(::getpid())) {
    if (owner_alive(m.owner)) continue;
    if (::kill(m.pid, SIGKILL) == 0) {
      report.killed.push_back(m.pid);
      note_run(report, m.run);
    }
  }
  return report;
}

SweepReport kill_run(const std::string& run_id, pid_t except) {
  SweepReport report;
  if (run_id.empty()) return report;
  const auto deadline = std::chrono::steady_clock::now() + k_kill_run_limit;
  while (true) {
    bool any = false;
    for (const auto& m : marked_processes(except)) {
      if (m.run != run_id) continue;
      any = true;
      if (::kill(m.pid, SIGKILL) == 0 &&
          std::find(report.killed.begin(), report.killed.end(), m.pid) == report.killed.end()) {
        report.killed.push_back(m.pid);
      }
    }
    if (!any || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(k_kill_run_pause);
  }
  if (!report.killed.empty()) note_run(report, run_id);
  return report;
}

}  // namespace harness::process
