#include "harness/process/child_process.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cerrno>
#include <cstdio>
#include <mutex>
#include <sstream>
#include <system_error>
#include <utility>

#include "harness/process/owner.h"
#include "harness/process/proc_stat.h"

namespace harness::process {

namespace bp = boost::process;

namespace {
constexpr auto k_reap_timeout = std::chrono::milliseconds{5000};
constexpr const char* k_owner_variable = "CELERY_CHAOS_OWNER";
constexpr const char* k_run_variable = "CELERY_CHAOS_RUN";
constexpr const char* k_default_path = "/usr/local/bin:/usr/bin:/bin";
constexpr rlim_t k_max_fd_scan = 65536;  // fallback when close_range() is unavailable

using Run = OwnerMark::ScopedRunId::Run;
std::mutex g_mark_mutex;
Run g_run;
thread_local std::optional<Run> t_run;  // OwnerMark::ScopedRunId

Run current_run() {
  if (t_run) return *t_run;
  std::lock_guard lock(g_mark_mutex);
  return g_run;
}

bool is_mark(const std::string& name) { return name == k_owner_variable || name == k_run_variable; }

// "" when `path` is an executable regular file, else why not.
std::string not_executable(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ::strerror(errno);
  if (S_ISDIR(st.st_mode)) return "is a directory";
  if (!S_ISREG(st.st_mode) || ::access(path.c_str(), X_OK) != 0) return "not executable";
  return {};
}

// The absolute path to execute, or the Status explaining why there is none. A name without '/' is looked up on
// the child's PATH (as execvp would); a relative path is taken from the working directory the child will have.
util::Expected<std::filesystem::path> resolve(const SpawnOptions& options) {
  namespace fs = std::filesystem;
  const std::string& name = options.argv[0];
  std::error_code ec;
  if (name.find('/') != std::string::npos) {
    fs::path path = name;
    if (path.is_relative() && !options.working_directory.empty()) path = options.working_directory / path;
    path = fs::absolute(path, ec);
    if (const std::string why = not_executable(path); !why.empty()) {
      return util::Status::infrastructure("cannot run '" + name + "': " + why);
    }
    return path;
  }
  std::string search_path = k_default_path;
  const auto& unset = options.unset_environment;
  if (auto it = options.environment.find("PATH"); it != options.environment.end()) {
    search_path = it->second;
  } else if (const char* inherited = std::getenv("PATH");
             inherited != nullptr && std::find(unset.begin(), unset.end(), "PATH") == unset.end()) {
    search_path = inherited;
  }
  std::istringstream dirs(search_path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
    if (not_executable(candidate).empty()) return fs::absolute(candidate, ec);
  }
  return util::Status::infrastructure("cannot run '" + name + "': not found on PATH");
}

// The environment of the child: inherited, minus unset_environment, plus environment, plus the marks.
// Variables are set with set(), never operator[]: Boost 1.74's operator[] looks a name up with find(), which
// compares `NAME=` against every entry without checking the entry's length and so reads past the end of a
// shorter one (ThreadSanitizer reported it as a heap-use-after-free). set() and erase() compare safely.
bp::environment child_environment(const SpawnOptions& options) {
  bp::environment env = boost::this_process::environment();
  for (const auto& name : options.unset_environment) {
    if (!is_mark(name)) env.erase(name);
  }
  const Run run = current_run();
  if (!options.run_as_user) {
    for (const auto& [name, value] : run.environment) {
      if (!is_mark(name)) env.set(name, value);
    }
  }
  for (const auto& [name, value] : options.environment) {
    if (!is_mark(name)) env.set(name, value);
  }
  env.set(k_owner_variable, options.owner_mark_for_tests.value_or(OwnerMark::owner()));
  // An inherited run mark (the harness itself started by a harness) is not ours to pass on.
  if (!run.id.empty()) {
    env.set(k_run_variable, run.id);
  } else {
    env.erase(k_run_variable);
  }
  return env;
}

struct User {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};

// Looked up before fork (getpwnam_r allocates and reads files: not allowed between fork and exec).
std::optional<User> find_user(const std::string& name) {
  long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  int rc;
  while ((rc = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found)) == ERANGE) {
    buffer.resize(buffer.size() * 2);
  }
  if (rc != 0 || found == nullptr) return std::nullopt;
  User user{entry.pw_uid, entry.pw_gid, {}};
  int count = 32;
  user.groups.resize(static_cast<std::size_t>(count));
  while (::getgrouplist(entry.pw_name, entry.pw_gid, user.groups.data(), &count) < 0) {
    user.groups.resize(static_cast<std::size_t>(count) * 2);
    count = static_cast<int>(user.groups.size());
  }
  user.groups.resize(static_cast<std::size_t>(count));
  return user;
}

// Closes an fd at scope exit.
struct FdGuard {
  int fd = -1;
  FdGuard() = default;
  explicit FdGuard(int f) : fd(f) {}
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(FdGuard&& other) noexcept {
    if (fd >= 0) ::close(fd);
    fd = std::exchange(other.fd, -1);
    return *this;
  }
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

// What the child reports when a step between fork and exec fails.
enum class SetupStep : int { k_chdir = 1, k_user = 2 };
struct SetupFailure {
  SetupStep step;
  int error;
};

// The user `options.run_as_user` names, looked up before fork; nullopt when it has none.
util::Expected<std::optional<User>> user_to_run_as(const SpawnOptions& options) {
  if (!options.run_as_user) return std::optional<User>{};
  auto user = find_user(*options.run_as_user);
  if (!user) {
    return util::Status::infrastructure("cannot run '" + options.argv[0] + "' as user '" + *options.run_as_user +
                                        "': no such user");
  }
  return user;
}

// The fd the child's stdout and stderr go to: `options.output_fd`, else the log file (or /dev/null) opened
// into `log_fd`, which the caller keeps open until the child has exec'd.
util::Expected<int> open_output(const SpawnOptions& options, FdGuard& log_fd) {
  if (options.output_fd >= 0) return options.output_fd;
  const std::string path = options.log_file.empty() ? "/dev/null" : options.log_file.string();
  log_fd.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd.fd < 0) {
    return util::Status::infrastructure("cannot run '" + options.argv[0] + "': cannot open log file " + path + ": " +
                                        ::strerror(errno));
  }
  return log_fd.fd;
}

// How far the child marks fds close-on-exec when close_range() is unavailable: the soft RLIMIT_NOFILE, at most
// k_max_fd_scan. Computed before fork.
rlim_t fd_scan_limit() {
  rlimit files{};
  return ::getrlimit(RLIMIT_NOFILE, &files) == 0 ? std::min(files.rlim_cur, k_max_fd_scan) : k_max_fd_scan;
}

// The helpers below run in the child, between fork and exec: async-signal-safe calls only, no allocation, no
// lock, and nothing that could throw.

// Signal state is inherited through exec: a blocked or ignored signal (SIGPIPE is often ignored by network
// code) would change how the service behaves and how it can be stopped. Empty mask, default dispositions.
void reset_signals() noexcept {
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &default_action, nullptr);
}

// stdin from `in_fd` (if >= 0), stdout and stderr to `out_fd`.
void redirect_stdio(int in_fd, int out_fd) noexcept {
  // Above 2 first, so that the dup2() below cannot overwrite one with the other when one of them is 0-2.
  const int in_copy = in_fd >= 0 ? ::fcntl(in_fd, F_DUPFD_CLOEXEC, 3) : -1;
  const int out_copy = ::fcntl(out_fd, F_DUPFD_CLOEXEC, 3);
  if (in_copy >= 0) ::dup2(in_copy, STDIN_FILENO);
  ::dup2(out_copy, STDOUT_FILENO);
  ::dup2(out_copy, STDERR_FILENO);
}

// No descriptor of the harness survives exec (sockets of its clients, pipes of concurrent spawns: Boost 1.74
// sets FD_CLOEXEC on its own error pipe only after creating it). Boost's error pipe stays usable.
void close_fds_on_exec(rlim_t max_fd) noexcept {
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    for (int fd = 3; static_cast<rlim_t>(fd) < max_fd; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
}

// Back in the parent: the step the child reported through the report pipe (read end `fd`, write end already
// closed here), or nullopt on EOF without a report, i.e. the exec succeeded.
std::optional<SetupFailure> read_setup_failure(int fd) {
  SetupFailure failure{};
  ssize_t got;
  while ((got = ::read(fd, &failure, sizeof failure)) < 0 && errno == EINTR) {
  }
  if (got == static_cast<ssize_t>(sizeof failure)) return failure;
  return std::nullopt;
}

// The Status for a setup step the child reported as failed.
util::Status setup_failure_status(const SetupFailure& failure, const SpawnOptions& options, const std::string& cwd) {
  const std::string& name = options.argv[0];
  const std::string reason = ::strerror(failure.error);
  if (failure.step == SetupStep::k_chdir) {
    return util::Status::infrastructure("cannot run '" + name + "': cannot enter working directory " + cwd + ": " +
                                        reason);
  }
  return util::Status::infrastructure("cannot run '" + name + "': cannot switch to user " +
                                      options.run_as_user.value_or("") + ": " + reason);
}

// The Status for a spawn Boost reported as failed: the exec (with the child's errno) or the fork.
util::Status launch_failure_status(const std::system_error& e, const std::string& name) {
  const std::string what = e.what();
  if (what.rfind("execve failed", 0) == 0) {
    return util::Status::infrastructure("cannot run '" + name + "': " + e.code().message());
  }
  return util::Status::infrastructure("cannot run '" + name + "': " + what);
}

struct Launched {
  pid_t pid;
  Reaper::Ticket ticket;
};

// Forks and execs `exe` through Boost, `setup` running in the child just before exec, and has the Reaper track
// the child (it owns waitpid). Fails when Boost reports that the fork or the exec failed.
template <typename Setup>
util::Expected<Launched> launch(Reaper& reaper, const std::filesystem::path& exe, const std::vector<std::string>& args,
                                const bp::environment& env, Setup& setup, const std::string& name) {
  try {
    const auto collected_before = reaper.exits_collected();
    bp::child child(exe.string(), bp::args(args), env, bp::extend::on_exec_setup(setup));
    const pid_t pid = child.id();
    Launched launched{pid, reaper.track(pid, collected_before)};
    child.detach();  // the Reaper owns waitpid
    return launched;
  } catch (const std::system_error& e) {
    // The exec failed: Boost has the child's errno. The child itself is reaped by the Reaper.
    reaper.wake();
    return launch_failure_status(e, name);
  }
}

}  // namespace

void OwnerMark::set_run_id(const std::string& run_id, std::map<std::string, std::string> environment) {
  std::lock_guard lock(g_mark_mutex);
  g_run = Run{run_id, std::move(environment)};
}

std::string OwnerMark::owner() {
  static const std::string owner = [] {
    if (const auto self = this_owner()) return self->to_string();
    // Without its place the mark can prove nothing: the old form, which no sweep acts on.
    const auto stat = read_proc_stat(::getpid());
    return std::to_string(::getpid()) + ":" + std::to_string(stat ? stat->start_time : 0);
  }();
  return owner;
}

std::string OwnerMark::run_id() { return current_run().id; }

std::map<std::string, std::string> OwnerMark::run_environment() { return current_run().environment; }

std::map<std::string, std::string> OwnerMark::marks() {
  std::map<std::string, std::string> marks{{k_owner_variable, owner()}};
  if (const auto run = current_run(); !run.id.empty()) marks[k_run_variable] = run.id;
  return marks;
}

OwnerMark::ScopedRunId::ScopedRunId(std::string run_id, std::map<std::string, std::string> environment)
    : m_previous(std::move(t_run)) {
  t_run = Run{std::move(run_id), std::move(environment)};
}

OwnerMark::ScopedRunId::~ScopedRunId() { t_run = std::move(m_previous); }

util::Expected<std::unique_ptr<ChildProcess>> ChildProcess::spawn(const SpawnOptions& options) {
  if (options.argv.empty()) return util::Status::infrastructure("cannot run an empty command");
  const std::string& name = options.argv[0];
  Reaper& reaper = Reaper::instance();  // subreaper before the first child exists
  auto exe = resolve(options);
  if (!exe) return exe.error();

  // Everything the child needs is computed before fork: between fork and exec only async-signal-safe calls.
  const auto found_user = user_to_run_as(options);
  if (!found_user) return found_user.error();
  const std::optional<User>& user = *found_user;
  FdGuard log_fd;
  const auto output = open_output(options, log_fd);
  if (!output) return output.error();
  const int out_fd = *output;
  FdGuard null_fd{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
  const bp::environment env = child_environment(options);
  const std::vector<std::string> args(options.argv.begin() + 1, options.argv.end());
  const std::string cwd = options.working_directory.string();
  const rlim_t max_fd = fd_scan_limit();
  // A failed setup step is reported through this pipe, in one write(). (Boost's own error pipe is written in
  // several writes that its reader may see half of.) EOF without a report: exec succeeded.
  int report_fds[2];
  if (::pipe2(report_fds, O_CLOEXEC) != 0) {
    return util::Status::infrastructure("cannot run '" + name + "': cannot create a pipe: " + ::strerror(errno));
  }
  FdGuard report_read{report_fds[0]};
  FdGuard report_write{report_fds[1]};

  // Runs in the child between fork and exec (see the helpers above): no allocation, nothing but
  // async-signal-safe calls.
  auto setup = [&](auto&) {
    const auto fail = [&](SetupStep step) {
      const SetupFailure failure{step, errno};
      [[maybe_unused]] const auto written = ::write(report_write.fd, &failure, sizeof failure);
      ::_exit(127);
    };
    ::setpgid(0, 0);
    reset_signals();
    redirect_stdio(null_fd.fd, out_fd);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) fail(SetupStep::k_chdir);
    if (user && (::setgroups(user->groups.size(), user->groups.data()) != 0 || ::setgid(user->gid) != 0 ||
                 ::setuid(user->uid) != 0)) {
      fail(SetupStep::k_user);
    }
    close_fds_on_exec(max_fd);
  };

  auto launched = launch(reaper, *exe, args, env, setup, name);
  if (!launched) return launched.error();
  // Boost returned after the exec or the exit of the child, so this read does not wait for it.
  report_write = FdGuard{};
  if (const auto failure = read_setup_failure(report_read.fd)) {
    reaper.forget(launched->ticket);
    return setup_failure_status(*failure, options, cwd);
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(launched->pid, std::move(launched->ticket)));
}

ChildProcess::~ChildProcess() {
  try {
    signal_group(SIGKILL);
    if (!wait_for(k_reap_timeout)) {
      // Reported, never thrown: a process in uninterruptible sleep may take longer.
      std::fprintf(stderr, "celery-chaos: pid %d not reaped within 5 s of SIGKILL\n", static_cast<int>(m_pid));
    }
    signal_group(SIGKILL);  // members forked while the first SIGKILL was being delivered
    Reaper::instance().forget(m_ticket);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "celery-chaos: cleaning up pid %d: %s\n", static_cast<int>(m_pid), e.what());
  }
}

std::optional<ExitStatus> ChildProcess::exit_status() const { return Reaper::instance().status(m_ticket); }

std::optional<ExitStatus> ChildProcess::wait_for(std::chrono::milliseconds timeout) const {
  return Reaper::instance().wait_for(m_ticket, timeout);
}

void ChildProcess::signal(int sig) const {
  if (!exit_status()) ::kill(m_pid, sig);
}

void ChildProcess::signal_group(int sig) const {
  // Until the leader is reaped its pid, and so the group id, is ours. Afterwards a process with that pid is
  // another process (pids are reused), and the group, if any, is its group: leave it alone. A group that
  // still has members of ours keeps the pid from being reused, so that case goes to killpg.
  if (exit_status() && (::kill(m_pid, 0) == 0 || errno == EPERM)) return;
  ::killpg(m_pid, sig);
}

ExitStatus ChildProcess::stop(std::chrono::milliseconds grace) {
  if (auto status = exit_status()) {
    signal_group(SIGKILL);
    return *status;
  }
  signal_group(SIGTERM);
  signal_group(SIGCONT);  // a paused (SIGSTOPped) service cannot act on SIGTERM otherwise
  auto status = wait_for(grace);
  signal_group(SIGKILL);
  if (!status) status = wait_for(k_reap_timeout);
  wait_group_gone(k_reap_timeout);
  return status.value_or(ExitStatus{-1, SIGKILL});
}

bool ChildProcess::wait_group_gone(std::chrono::milliseconds timeout) const {
  // The leader exiting is not the group exiting: RabbitMQ's launcher script exits before the beam.smp it started
  // (same group) has died of its SIGKILL, and a dying process keeps its listening sockets until it is gone. A
  // group with a member left keeps its id from being reused as a pid, so killpg(id, 0) asks about ours alone.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::killpg(m_pid, 0) == 0 || errno == EPERM) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return true;
}

std::vector<std::string> shell(const std::string& command) { return {"/bin/sh", "-c", command}; }

}  // namespace harness::process
