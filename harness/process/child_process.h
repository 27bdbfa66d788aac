#pragma once
// A child process of the harness, in its own process group, with stdout+stderr appended to a log file.
//
// Contract:
//  - spawn() starts the process with Boost.Process in a new process group (pgid == pid), stdin from
//    /dev/null, default signal dispositions and an empty signal mask, and no file descriptor of the harness
//    but 0, 1 and 2. Every child gets CELERY_CHAOS_OWNER=<harness pid>:<start time>:<pid namespace>:<boot id>
//    and, once a run id is set, CELERY_CHAOS_RUN=<run id> and the run's environment (from OwnerMark), so
//    leftovers of a killed harness can be found and swept (process/sweeper.h). `environment` and
//    `unset_environment` cannot change or remove the two marks.
//  - No PR_SET_PDEATHSIG: if the harness is SIGKILLed its children live on until a later run sweeps them.
//  - Exit statuses are collected by the Reaper (process/reaper.h), which owns waitpid() for the whole process:
//    ChildProcess never calls waitpid itself.
//  - Signals to the group are not sent once the leader has been reaped and its pid belongs to another process
//    (pids are reused), so a late stop() or destructor cannot hit an unrelated process group.
//  - The destructor SIGKILLs the whole group and waits (bounded, 5 s) until the leader is reaped. noexcept.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/process/exit_status.h"
#include "harness/process/reaper.h"
#include "harness/util/status.h"

namespace harness::process {

struct SpawnOptions {
  std::vector<std::string> argv;                  // argv[0] is looked up on PATH when it has no '/'
  std::map<std::string, std::string> environment;  // set on top of the inherited environment
  std::vector<std::string> unset_environment;     // removed from the inherited environment
  std::filesystem::path working_directory;        // empty = inherit
  std::filesystem::path log_file;                 // stdout+stderr appended here; empty = /dev/null
  // e.g. "postgres": supplementary groups, gid and uid of that user before exec (needs root). The environment
  // (HOME, USER) is left as it is.
  std::optional<std::string> run_as_user;
  // Internal (run_command): this fd becomes the child's stdout and stderr instead of log_file.
  int output_fd = -1;
  // Tests only: the CELERY_CHAOS_OWNER value to plant instead of OwnerMark::owner() (e.g. a dead harness's).
  std::optional<std::string> owner_mark_for_tests;
};

class ChildProcess {
public:
  // Fails (k_infrastructure) when the binary cannot be found or run, the log file cannot be opened, the user
  // does not exist, or the working directory cannot be entered. Messages start with "cannot run 'ARGV0': ".
  static util::Expected<std::unique_ptr<ChildProcess>> spawn(const SpawnOptions& options);

  ~ChildProcess();  // SIGKILL to the group, then wait (bounded) until the leader is reaped; noexcept
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return m_pid; }
  pid_t pgid() const { return m_pid; }

  // Non-blocking: the exit status once the Reaper has collected it.
  std::optional<ExitStatus> exit_status() const;
  bool running() const { return !exit_status().has_value(); }
  // Blocks up to `timeout` for the exit.
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout) const;

  void signal(int sig) const;        // the leader only; nothing once it has been reaped
  void signal_group(int sig) const;  // the whole process group (also members that outlived the leader)
  // SIGTERM (+SIGCONT) to the group, up to `grace` for the leader to exit, then SIGKILL to the group; returns
  // the leader's status ({-1, SIGKILL} if it still was not reaped 5 s after SIGKILL).
  // Returns once every member of the group is gone (killed and reaped), or 5 s after the SIGKILL.
  ExitStatus stop(std::chrono::milliseconds grace);
  // Up to `timeout` for the process group to have no member left (zombies count until reaped); false if it
  // still has one then.
  bool wait_group_gone(std::chrono::milliseconds timeout) const;

private:
  ChildProcess(pid_t pid, Reaper::Ticket ticket) : m_pid(pid), m_ticket(std::move(ticket)) {}
  pid_t m_pid;
  Reaper::Ticket m_ticket;
};

// The marker every child carries; the run id is set once at start-up by the harness (runner) and by tests.
// With the run id comes the run's environment: variables every child of the run gets on top of the inherited
// environment (SpawnOptions::environment still wins), e.g. a TMPDIR inside the run's folder. Children run as
// another user (`run_as_user`: PostgreSQL) do not get it: they could not write in the harness's folders.
struct OwnerMark {
  static void set_run_id(const std::string& run_id, std::map<std::string, std::string> environment = {});
  // "<pid>:<start time>:<pid namespace>:<boot id>" of this process (process/owner.h); the old, unprovable
  // "<pid>:<start time>" when its PID namespace cannot be known.
  static std::string owner();
  static std::string run_id();  // empty until set; this thread's ScopedRunId while one is alive
  // The run's environment that comes with run_id() (what a container of the run gets too).
  static std::map<std::string, std::string> run_environment();
  // The marks a child gets: {CELERY_CHAOS_OWNER: owner()} and, once a run id is set, {CELERY_CHAOS_RUN: run_id()}.
  static std::map<std::string, std::string> marks();
  // While alive, children this thread spawns carry `run_id` (and get `environment`) instead of the process-wide
  // ones: a scenario's services booted ahead of it while another scenario runs (run/prestart.h) belong to
  // their own run.
  class ScopedRunId {
  public:
    explicit ScopedRunId(std::string run_id, std::map<std::string, std::string> environment = {});
    ~ScopedRunId();
    ScopedRunId(const ScopedRunId&) = delete;
    ScopedRunId& operator=(const ScopedRunId&) = delete;

    struct Run {
      std::string id;
      std::map<std::string, std::string> environment;
    };

  private:
    std::optional<Run> m_previous;
  };
};

struct CommandResult {
  std::optional<ExitStatus> status;  // empty when it timed out or could not be spawned
  bool timed_out = false;
  bool spawn_failed = false;         // then `output` holds the reason
  std::string output;                // stdout+stderr, at most the last 64 KiB
  std::chrono::milliseconds duration{0};
  bool succeeded() const { return status && status->code == 0; }
};

// Runs a command to completion (own process group, output captured, log_file ignored). Returns once the
// leader has exited, with the output written so far; whatever the command left running in its group (e.g.
// `cmd &` holding the output pipe) is SIGKILLed then. On timeout the group is SIGKILLed and reaped before
// returning. Never blocks longer than `timeout` plus a few milliseconds.
CommandResult run_command(const SpawnOptions& options, std::chrono::milliseconds timeout);

// argv for `/bin/sh -c COMMAND`.
std::vector<std::string> shell(const std::string& command);

}  // namespace harness::process
