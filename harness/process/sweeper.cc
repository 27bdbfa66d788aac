#include "harness/process/sweeper.h"

#include <dirent.h>
#include <signal.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <thread>
#include <utility>

#include "harness/process/owner.h"
#include "harness/process/proc_stat.h"

namespace harness::process {

namespace {
constexpr auto k_kill_run_limit = std::chrono::milliseconds{2000};
constexpr auto k_kill_run_pause = std::chrono::milliseconds{5};

struct Marked {
  pid_t pid = 0;
  pid_t pgrp = 0;
  int pidfd = -1;  // names this very process, whatever happens to its pid; closed by ~Marked
  std::string owner;
  std::string run;
  Marked() = default;
  Marked(Marked&& other) noexcept
      : pid(other.pid), pgrp(other.pgrp), pidfd(std::exchange(other.pidfd, -1)), owner(std::move(other.owner)),
        run(std::move(other.run)) {}
  Marked(const Marked&) = delete;
  Marked& operator=(const Marked&) = delete;
  Marked& operator=(Marked&&) = delete;
  ~Marked() {
    if (pidfd >= 0) ::close(pidfd);
  }
};

std::vector<pid_t> all_pids() {
  std::vector<pid_t> pids;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return pids;
  while (const dirent* entry = ::readdir(proc)) {
    pid_t pid = 0;
    const char* name = entry->d_name;
    const char* end = name + std::char_traits<char>::length(name);
    if (auto [ptr, error] = std::from_chars(name, end, pid); error == std::errc{} && ptr == end) pids.push_back(pid);
  }
  ::closedir(proc);
  return pids;
}

// Calls `visit` with each live process (not `except`, not the caller, not in the caller's group) that carries
// an owner or a run mark, as the scan finds it: a victim is killed at once, before it can fork much more (a
// scan reading the environ of a process that forks or execs a lot can take a while).
template <typename Visit>
void scan_marked_processes(pid_t except, Visit visit) {
  const pid_t self = ::getpid();
  const pid_t own_group = ::getpgrp();
  for (const pid_t pid : all_pids()) {
    if (pid == except || pid == self) continue;
    Marked m;
    m.pid = pid;
    // The pidfd first: the marks read afterwards then belong to it, or the pid was reused and signalling the
    // pidfd fails harmlessly (ESRCH).
    m.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (m.pidfd < 0 && errno == ESRCH) continue;
    const std::string environ = read_proc_file(pid, "environ");  // empty when unreadable or gone
    const auto owner = environ_value(environ, "CELERY_CHAOS_OWNER");
    const auto run = environ_value(environ, "CELERY_CHAOS_RUN");
    if (!owner && !run) continue;
    const auto stat = read_proc_stat(pid);
    if (!stat || stat->dead() || stat->pgrp == own_group) continue;
    m.pgrp = stat->pgrp;
    m.owner = std::string(owner.value_or(""));
    m.run = std::string(run.value_or(""));
    visit(std::move(m));
  }
}

// "pid 12 (beam.smp)": a process, for the lines of SweepReport::spared.
std::string describe(pid_t pid) {
  std::string comm = read_proc_file(pid, "comm");
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  return "pid " + std::to_string(pid) + " (" + comm + ")";
}

std::string spared_because(const std::string& owner, const std::string& reason) {
  return ": left alone, owner " + owner + " not provably dead: " + reason;
}

// The owner verdicts of one sweep, each mark judged once.
class OwnerJudge {
public:
  const OwnerVerdict& operator()(const std::string& mark) {
    auto known = std::find_if(m_known.begin(), m_known.end(), [&](const auto& k) { return k.first == mark; });
    if (known == m_known.end()) {
      known = m_known.insert(m_known.end(), {mark, judge_owner(mark, m_here, read_proc_stat)});
    }
    return known->second;
  }
  const std::optional<Place>& here() const { return m_here; }

private:
  std::optional<Place> m_here = this_place();
  std::vector<std::pair<std::string, OwnerVerdict>> m_known;
};

void sweep_folders(const std::filesystem::path& runs_dir, OwnerJudge& judge, SweepReport& report) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (auto it = fs::directory_iterator(runs_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (it->symlink_status(ec).type() != fs::file_type::directory) continue;
    const auto record = read_owner_record(it->path());
    if (!record) continue;  // being created, or kept on purpose (--keep)
    const OwnerVerdict& verdict = judge(*record);
    if (verdict.state == OwnerState::k_unprovable) {
      report.spared.push_back("folder " + it->path().string() + spared_because(*record, verdict.reason));
    } else if (verdict.state == OwnerState::k_dead) {
      std::error_code removed;
      fs::remove_all(it->path(), removed);
      if (!removed) report.removed.push_back(it->path());
    }
  }
}

void add_unique(std::vector<pid_t>& pids, pid_t pid) {
  if (std::find(pids.begin(), pids.end(), pid) == pids.end()) pids.push_back(pid);
}

void note_run(SweepReport& report, const std::string& run) {
  if (!run.empty() && std::find(report.runs.begin(), report.runs.end(), run) == report.runs.end()) {
    report.runs.push_back(run);
  }
}

// Kills victims as a scan finds them, and at the end of the scan the group of each victim that led its group:
// group members whose marks were lost (a program that cleared its environment) go with it. Victims are
// signalled one by one first, so that each is reported. `spared_group` (the group of kill_run's `except`) is
// never signalled as a group.
class Killer {
public:
  Killer(SweepReport& report, pid_t spared_group) : m_report(report), m_spared_group(spared_group) {}
  ~Killer() {
    for (const pid_t group : m_groups) ::killpg(group, SIGKILL);
  }
  Killer(const Killer&) = delete;
  Killer& operator=(const Killer&) = delete;

  void kill(const Marked& m) {
    const bool sent = m.pidfd >= 0 ? ::syscall(SYS_pidfd_send_signal, m.pidfd, SIGKILL, nullptr, 0) == 0
                                   : ::kill(m.pid, SIGKILL) == 0;
    if (sent) {
      add_unique(m_report.killed, m.pid);
      note_run(m_report, m.run);
    }
    if (m.pgrp == m.pid && m.pgrp != m_spared_group) add_unique(m_groups, m.pgrp);
    ++m_victims;
  }
  int victims() const { return m_victims; }

private:
  SweepReport& m_report;
  pid_t m_spared_group;
  std::vector<pid_t> m_groups;
  int m_victims = 0;
};
}  // namespace

SweepReport sweep_orphans(const std::filesystem::path& runs_dir) {
  SweepReport report;
  OwnerJudge judge;
  {
    Killer killer(report, ::getpgrp());
    scan_marked_processes(::getpid(), [&](Marked m) {
      if (m.owner.empty()) return;
      const OwnerVerdict& verdict = judge(m.owner);
      if (verdict.state == OwnerState::k_unprovable) {
        report.spared.push_back(describe(m.pid) + spared_because(m.owner, verdict.reason));
      } else if (verdict.state == OwnerState::k_dead) {
        // The mark says this namespace; the process must be in it too (a process that entered another
        // namespace, or a /proc that changed under us, proves nothing about it).
        if (const auto ns = pid_namespace_of(m.pid); ns && judge.here() && *ns == judge.here()->pid_namespace) {
          killer.kill(m);
        } else {
          report.spared.push_back(describe(m.pid) + spared_because(m.owner, "the process is in another PID namespace"));
        }
      }
    });
  }  // the groups of the victims are killed here, before their folders go
  if (!runs_dir.empty()) sweep_folders(runs_dir, judge, report);
  return report;
}

SweepReport kill_run(const std::string& run_id, pid_t except) {
  SweepReport report;
  if (run_id.empty()) return report;
  const auto deadline = std::chrono::steady_clock::now() + k_kill_run_limit;
  // Done after two scans in a row find nothing: a process caught in the middle of an exec shows an empty
  // environ for a moment, and one forked just before a SIGKILL landed may show up a moment later.
  int clean_scans = 0;
  while (clean_scans < 2 && std::chrono::steady_clock::now() < deadline) {
    int victims = 0;
    {
      Killer killer(report, ::getpgid(except));
      scan_marked_processes(except, [&](Marked m) {
        if (m.run == run_id) killer.kill(m);
      });
      victims = killer.victims();
    }
    clean_scans = victims == 0 ? clean_scans + 1 : 0;
    if (clean_scans < 2) std::this_thread::sleep_for(k_kill_run_pause);
  }
  return report;
}

}  // namespace harness::process
