#pragma once
// Finding and killing what harness runs left behind (like Testcontainers' Ryuk, without a daemon): every child
// carries CELERY_CHAOS_OWNER=<harness pid>:<its start time> and CELERY_CHAOS_RUN=<run id> (child_process.h),
// and those marks are read back from /proc/<pid>/environ. Processes without a mark are never touched.
#include <sys/types.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace harness::process {

struct SweepReport {
  std::vector<pid_t> killed;
  std::vector<std::string> runs;  // run ids the killed processes belonged to
};

// SIGKILLs every process whose owner mark names a harness that is no longer alive (dead pid, or a pid reused
// by another process: the start time differs). Live harnesses' processes are left alone.
SweepReport sweep_orphans();

// SIGKILLs every process (but `except`) carrying CELERY_CHAOS_RUN=run_id, repeating until none is left
// (bounded ~2 s) so that a process forked mid-sweep is caught too.
SweepReport kill_run(const std::string& run_id, pid_t except = ::getpid());

}  // namespace harness::process
