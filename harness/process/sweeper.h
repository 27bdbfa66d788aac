#pragma once
// Finding and killing what harness runs left behind (like Testcontainers' Ryuk, without a daemon): every child
// carries CELERY_CHAOS_OWNER=<owner> and CELERY_CHAOS_RUN=<run id> (child_process.h), and those marks are read
// back from /proc/<pid>/environ (the environment a process was started with, which its descendants inherit).
// Every run folder holds an owner record of the same <owner> (owner.h). Processes without a mark are never
// touched, nor the calling process or its group.
// Processes that vanish mid-scan and environ files that cannot be read are skipped. Zombies are not reported:
// they are already dead, and the Reaper (or init) reaps them. A process caught in the middle of an exec()
// shows no environment for a moment: sweep_orphans() leaves it to the next sweep, kill_run() scans again.
#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace harness::process {

struct SweepReport {
  std::vector<pid_t> killed;
  std::vector<std::string> runs;  // run ids the killed processes belonged to
  std::vector<std::filesystem::path> removed;  // run folders of dead harnesses
  // What was left alone because its owner could not be proven dead, one line each ("pid 12 (beam.smp): left
  // alone, owner 1:4242:4026532178:<boot id> not provably dead: another PID namespace (pid:[4026532178])");
  // for --verbose.
  std::vector<std::string> spared;
};

// SIGKILLs every process whose owner is provably dead (owner.h: the mark names this PID namespace and boot, and
// its pid is gone or was reused) and that lives in this PID namespace itself, and the process group of each
// such process that leads its group. Then removes every folder directly under `runs_dir` (none when empty)
// whose owner record names a provably dead owner. Processes and folders of live harnesses (several may run at
// once), of harnesses in other PID namespaces (containers) or boots, and with old or missing marks are left
// alone; those of the last three kinds are listed in `spared`.
SweepReport sweep_orphans(const std::filesystem::path& runs_dir = {});

// SIGKILLs every process (but `except` and the caller) carrying CELERY_CHAOS_RUN=run_id, and the groups they
// lead (but the group of `except`), scanning again until two scans in a row find none (bounded, ~2 s) so that
// a process forked mid-sweep is caught too. Those that are (grand)children of the harness are reaped by the
// Reaper. Costs ~10 ms when there is nothing to kill.
SweepReport kill_run(const std::string& run_id, pid_t except = ::getpid());

}  // namespace harness::process
