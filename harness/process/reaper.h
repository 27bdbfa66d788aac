#pragma once
// The Reaper owns waitpid() for the whole harness process. It makes the harness a child subreaper
// (PR_SET_CHILD_SUBREAPER), so orphaned grandchildren (epmd, postgres backends, a killed worker's pool children)
// are re-parented to the harness and reaped here too: a dead postmaster must be reaped before its data dir can
// be reused (SERVICES.md).
//
// A background thread waits for SIGCHLD-driven exits with waitpid(-1) and records each status; ChildProcess
// asks for the status of its own pid. Statuses of pids nobody asked about (grandchildren) are dropped.
#include <sys/types.h>

#include <chrono>
#include <optional>

#include "harness/process/child_process.h"

namespace harness::process {

class Reaper {
public:
  static Reaper& instance();  // started on first use; lives until the process exits

  // Registers a pid whose status must be kept until collected. Call right after fork/spawn.
  void track(pid_t pid);
  std::optional<ExitStatus> status(pid_t pid) const;
  std::optional<ExitStatus> wait_for(pid_t pid, std::chrono::milliseconds timeout) const;
  void forget(pid_t pid);  // drop a tracked pid's record (after its owner is done with it)
};

}  // namespace harness::process
