#pragma once
// Finding and killing what harness runs left behind (like Testcontainers' Ryuk, without a daemon): every child
// carries CELERY_CHAOS_OWNER=<harness pid>:<its start time> and CELERY_CHAOS_RUN=<run id> (child_process.h),
// and those marks are read back from /proc/<pid>/environ (the environment a process was started with, which
// its descendants inherit). Processes without a mark are never touched, nor the calling process or its group.
// Processes that vanish mid-scan and environ files that cannot be read are skipped. Zombies are not reported:
// they are already dead, and the Reaper (or init) reaps them. A process caught in the middle of an exec()
// shows no environment for a moment: sweep_orphans() leaves it to the next sweep, kill_run() scans again.
#include <sys/types.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace harness::process {

struct SweepReport {
  std::vector<pid_t> killed;
  std::vector<std::string> runs;  // run ids the killed processes belonged to
};

// SIGKILLs every process whose owner mark names a harness that is no longer alive (a dead pid, or a pid reused
// by another process: the start time differs), and the process group of each such process that leads its
// group. Processes of live harnesses (several may run at once) are left alone.
SweepReport sweep_orphans();

// SIGKILLs every process (but `except` and the caller) carrying CELERY_CHAOS_RUN=run_id, and the groups they
// lead (but the group of `except`), scanning again until two scans in a row find none (bounded, ~2 s) so that
// a process forked mid-sweep is caught too. Those that are (grand)children of the harness are reaped by the
// Reaper. Costs ~10 ms when there is nothing to kill.
SweepReport kill_run(const std::string& run_id, pid_t except = ::getpid());

}  // namespace harness::process
