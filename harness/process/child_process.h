#pragma once
// A child process of the harness, in its own process group, with stdout+stderr appended to a log file.
//
// Contract:
//  - spawn() starts the process with Boost.Process in a new process group (pgid == pid). Every child gets
//    CELERY_CHAOS_OWNER=<harness pid>:<harness start time> and CELERY_CHAOS_RUN=<run id> in its environment
//    (from OwnerMark), so leftovers of a killed harness can be found and swept (process/sweeper.h).
//  - Exit statuses are collected by the Reaper (process/reaper.h), which owns waitpid() for the whole process:
//    ChildProcess never calls waitpid itself.
//  - The destructor SIGKILLs the whole group and waits (bounded) until the leader is reaped. noexcept.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/util/status.h"

namespace harness::process {

struct ExitStatus {
  int code = -1;    // exit code when exited normally, else -1
  int signal = 0;   // terminating signal, else 0
  bool exited_normally() const { return signal == 0; }
  std::string describe() const;  // "exit code 3" / "killed by SIGKILL"
};

struct SpawnOptions {
  std::vector<std::string> argv;                  // argv[0] is looked up on PATH when it has no '/'
  std::map<std::string, std::string> environment;  // set on top of the inherited environment
  std::vector<std::string> unset_environment;     // removed from the inherited environment
  std::filesystem::path working_directory;        // empty = inherit
  std::filesystem::path log_file;                 // stdout+stderr appended here; empty = /dev/null
  std::optional<std::string> run_as_user;         // e.g. "postgres": setuid/setgid + init groups before exec
  // Internal (run_command): this fd becomes the child's stdout and stderr instead of log_file.
  int output_fd = -1;
};
// Note: the owner mark is set before `environment` is applied, so a test can plant a fake owner mark.

class ChildProcess {
public:
  // Fails (k_infrastructure) when the binary cannot be found or the log file cannot be opened.
  static util::Expected<std::unique_ptr<ChildProcess>> spawn(const SpawnOptions& options);

  ~ChildProcess();  // kill_group(SIGKILL) and reap; noexcept
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return m_pid; }
  pid_t pgid() const { return m_pid; }

  // Non-blocking: the exit status once the Reaper has collected it.
  std::optional<ExitStatus> exit_status() const;
  bool running() const { return !exit_status().has_value(); }
  // Blocks up to `timeout` for the exit.
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout) const;

  void signal(int sig) const;        // the leader only
  void signal_group(int sig) const;  // the whole process group
  // SIGTERM to the group, up to `grace` for the leader to exit, then SIGKILL to the group; returns the status.
  ExitStatus stop(std::chrono::milliseconds grace);

private:
  explicit ChildProcess(pid_t pid) : m_pid(pid) {}
  pid_t m_pid;
};

// The marker every child carries; set once at start-up by the harness (cli) and by tests.
struct OwnerMark {
  static void set_run_id(const std::string& run_id);
  static std::string owner();   // "<pid>:<start time in clock ticks>"
  static std::string run_id();
};

struct CommandResult {
  std::optional<ExitStatus> status;  // empty when it timed out or could not be spawned
  bool timed_out = false;
  bool spawn_failed = false;
  std::string output;                // stdout+stderr, at most the last 64 KiB
  std::chrono::milliseconds duration{0};
  bool succeeded() const { return status && status->code == 0; }
};

// Runs a command to completion (own process group, output captured); on timeout the group is SIGKILLed and
// reaped before returning. Never blocks longer than `timeout` plus a few milliseconds.
CommandResult run_command(const SpawnOptions& options, std::chrono::milliseconds timeout);

// argv for `/bin/sh -c COMMAND`.
std::vector<std::string> shell(const std::string& command);

}  // namespace harness::process
