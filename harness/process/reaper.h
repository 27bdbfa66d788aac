#pragma once
// The Reaper owns waitpid() for the whole harness process: nothing else in the harness may call wait*(), or
// it would steal statuses. It makes the harness a child subreaper (PR_SET_CHILD_SUBREAPER), so orphaned
// grandchildren (epmd, postgres backends, a killed worker's pool children, `cmd &` of a shell) are re-parented
// to the harness and reaped here too: a dead postmaster must be reaped before its data dir can be reused
// (otherwise PostgreSQL refuses: lock file "postmaster.pid" already exists), and nothing of ours is left as a zombie.
//
// A background thread collects every exit (waitid(P_ALL), then waitpid) and records it. A status is visible
// only once the process is reaped: when exit_status() answers, the zombie is gone (so a restarted postmaster
// does not find its predecessor's pid alive). A child may exit (and be collected) before its spawner calls
// track(): statuses of pids nobody tracks are kept too (the newest 4096), and track() picks them up. When there
// are no children the thread sleeps until the next track() (or 50 ms), it never spins.
//
// Pids are reused (pid_max may be 32768): prefer the Ticket forms. A Ticket names one child, so its status is
// not confused with that of a later process that got the same pid. ChildProcess uses them.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "harness/process/exit_status.h"

namespace harness::process {

class Reaper {
public:
  struct Record;  // one tracked child and, once collected, its exit status
  using Ticket = std::shared_ptr<Record>;

  static Reaper& instance();  // started on first use (before the first fork); lives until the process exits

  // The number of exits collected so far. Read it just before fork() and pass it to track(): a status of the
  // same pid collected before then belongs to an earlier process, not to the new child.
  std::uint64_t exits_collected() const;
  // Registers a child right after fork/spawn. The ticket keeps its status until dropped, even if the pid is
  // reused; forget(ticket) when done with it.
  Ticket track(pid_t pid, std::uint64_t exits_collected_before_fork);
  std::optional<ExitStatus> status(const Ticket& ticket) const;  // non-blocking
  std::optional<ExitStatus> wait_for(const Ticket& ticket, std::chrono::milliseconds timeout) const;
  void forget(const Ticket& ticket);  // no-op when the pid has since been tracked by a newer ticket

  // By pid: the newest tracking of `pid`, else a collected status nobody tracked. track(pid) accepts any
  // status of `pid` collected earlier (it cannot tell a reused pid's): prefer the Ticket forms.
  void track(pid_t pid);
  std::optional<ExitStatus> status(pid_t pid) const;
  std::optional<ExitStatus> wait_for(pid_t pid, std::chrono::milliseconds timeout) const;
  void forget(pid_t pid);  // drop a pid's records (after its owner is done with it)

  // A child was forked that will not be tracked (its exec failed): collect it now rather than within 50 ms.
  void wake();

private:
  Reaper() = default;
};

}  // namespace harness::process
