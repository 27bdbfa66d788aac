#pragma once
// Who owns a leftover, and whether that owner is provably dead: the proof the sweeper (sweeper.h) needs before
// it kills a process or removes a run folder.
//
// A harness names itself as "<pid>:<start time>:<pid namespace>:<boot id>" (Owner::to_string): its pid and
// start time (proc_stat.h) as seen in its own PID namespace, that namespace's inode (the number in
// /proc/self/ns/pid, "pid:[4026531836]"), and the machine's boot id (/proc/sys/kernel/random/boot_id). The same
// text is the CELERY_CHAOS_OWNER mark of every child (child_process.h) and the owner record of every run folder.
//
// A pid means something only in its own namespace: a harness in a container, or under `unshare --pid`, is pid 1
// or 7 there and another pid on the host, so a host's harness reading such a mark with its own /proc would find
// no such process, or an unrelated one, and call a live harness dead. So an owner is judged only where the mark
// says it lives: the same PID namespace and boot as the judge, with a /proc that shows the judge's own
// namespace. Anything else (another namespace or boot, a mark of the old "<pid>:<start time>" form, a /proc of
// another namespace) is unprovable, and unprovable is never dead.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "harness/process/proc_stat.h"

namespace harness::process {

// Where a process lives: its PID namespace and the machine's boot.
struct Place {
  std::uint64_t pid_namespace = 0;  // inode of /proc/<pid>/ns/pid
  std::string boot_id;
  bool operator==(const Place&) const = default;
};

struct Owner {
  pid_t pid = 0;
  std::uint64_t start_time = 0;  // clock ticks since boot, field 22 of /proc/<pid>/stat
  Place place;
  std::string to_string() const;  // "<pid>:<start time>:<pid namespace>:<boot id>"
  // nullopt for anything but that exact form (the old "<pid>:<start time>" mark included).
  static std::optional<Owner> parse(std::string_view mark);
};

// This process's place. nullopt when it cannot be known, or when /proc is not a /proc of this process's PID
// namespace (unshare --pid without --mount-proc): pids read from it would name other processes. Read once.
std::optional<Place> this_place();

// This process as an Owner (its pid, start time and this_place()); nullopt when any of them cannot be known.
std::optional<Owner> this_owner();

// The PID namespace of process `pid` as this /proc shows it; nullopt when gone or not readable.
std::optional<std::uint64_t> pid_namespace_of(pid_t pid);

enum class OwnerState { k_alive, k_dead, k_unprovable };

struct OwnerVerdict {
  OwnerState state = OwnerState::k_unprovable;
  std::string reason;  // why unprovable: "another PID namespace (pid:[N])", ...; empty otherwise
};

// Judges the owner named by `mark` from `here` (the judge's place, nullopt when unknown) and `stat_of` (reads a
// process of here's namespace: read_proc_stat in production). Dead only when the mark names here and its pid is
// gone there, or is a zombie, or belongs to a process started at another time (the pid was reused).
OwnerVerdict judge_owner(std::string_view mark, const std::optional<Place>& here,
                         const std::function<std::optional<ProcStat>(pid_t)>& stat_of);

// The owner record of a run folder: a file in it holding this process's Owner::to_string(), written atomically
// (a temporary file renamed over it), so a reader sees all of it or none. Errors are ignored: a folder without
// a record is never swept, it is only left behind. Tests only: `owner_for_tests` is written instead.
void write_owner_record(const std::filesystem::path& folder,
                        const std::optional<std::string>& owner_for_tests = std::nullopt);
// A folder kept on purpose (--keep) has no owner any more: removing its record keeps it from every sweep.
void remove_owner_record(const std::filesystem::path& folder);
// The record's text; nullopt when there is none.
std::optional<std::string> read_owner_record(const std::filesystem::path& folder);

}  // namespace harness::process
