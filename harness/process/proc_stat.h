#pragma once
// Reading the identity and the marks of a process from /proc, for the owner mark (child_process.h) and the
// sweeper (sweeper.h). A pid alone is not an identity: pid_max may be 32768 and pids are reused, so a process
// is named by its pid and its start time (field 22 of /proc/<pid>/stat, clock ticks since boot).
//
// Every function tolerates a process that vanishes while it is read: it answers "gone" (nullopt / empty).
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harness::process {

struct ProcStat {
  char state = '?';  // R, S, D, T, Z (zombie), X (dead), ...
  pid_t ppid = 0;
  pid_t pgrp = 0;
  std::uint64_t start_time = 0;
  bool dead() const { return state == 'Z' || state == 'X'; }
};

// nullopt when the process does not exist (or its stat cannot be parsed).
std::optional<ProcStat> read_proc_stat(pid_t pid);

// The live (not zombie) children of `parent`, from a scan of /proc: a Celery worker's pool processes.
std::vector<pid_t> children_of(pid_t parent);

// The pid process `pid` has in its own (innermost) PID namespace, from the NSpid line of /proc/<pid>/status: a
// container's PID 1 is some host pid here and 1 there. nullopt when gone.
std::optional<pid_t> innermost_pid(pid_t pid);

// Sends `sig` to process `pid`; false when it is gone (or not permitted). For the drivers' own processes only.
bool send_signal(pid_t pid, int sig);

// The whole of /proc/<pid>/<name> (e.g. "environ"); empty when gone or unreadable.
std::string read_proc_file(pid_t pid, const char* name);

// The value of NAME in a NUL-separated environment block (as /proc/<pid>/environ), or nullopt.
std::optional<std::string_view> environ_value(std::string_view environ, std::string_view name);

}  // namespace harness::process
