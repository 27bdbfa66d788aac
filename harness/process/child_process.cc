#include "harness/process/child_process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <fstream>
#include <mutex>
#include <sstream>

#include "harness/process/reaper.h"

namespace harness::process {

namespace bp = boost::process;

namespace {
constexpr size_t k_output_limit = 64 * 1024;
constexpr auto k_reap_timeout = std::chrono::milliseconds{5000};

std::mutex g_mark_mutex;
std::string g_run_id;

std::string self_start_time() {
  std::ifstream in("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 22) return field;
  }
  return "0";
}

// Finds argv[0] on PATH (the child's PATH when the options set one). Empty when not found.
std::string resolve(const std::string& name, const std::map<std::string, std::string>& environment) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : std::string{};
  std::string path;
  if (auto it = environment.find("PATH"); it != environment.end()) {
    path = it->second;
  } else if (const char* p = std::getenv("PATH")) {
    path = p;
  }
  std::istringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

const char* signal_name(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? abbrev : "?";
}
}  // namespace

std::string ExitStatus::describe() const {
  if (signal != 0) return std::string("killed by SIG") + signal_name(signal);
  return "exit code " + std::to_string(code);
}

void OwnerMark::set_run_id(const std::string& run_id) {
  std::lock_guard lock(g_mark_mutex);
  g_run_id = run_id;
}

std::string OwnerMark::owner() {
  static const std::string owner = std::to_string(::getpid()) + ":" + self_start_time();
  return owner;
}

std::string OwnerMark::run_id() {
  std::lock_guard lock(g_mark_mutex);
  return g_run_id;
}

util::Expected<std::unique_ptr<ChildProcess>> ChildProcess::spawn(const SpawnOptions& options) {
  if (options.argv.empty()) return util::Status::infrastructure("cannot run an empty command");
  Reaper& reaper = Reaper::instance();  // subreaper before the first child exists
  const std::string exe = resolve(options.argv[0], options.environment);
  if (exe.empty()) return util::Status::infrastructure("cannot run '" + options.argv[0] + "': not found on PATH");

  bp::environment env = boost::this_process::environment();
  env["CELERY_CHAOS_OWNER"] = OwnerMark::owner();
  if (const auto run = OwnerMark::run_id(); !run.empty()) env["CELERY_CHAOS_RUN"] = run;
  for (const auto& name : options.unset_environment) env.erase(name);
  for (const auto& [key, value] : options.environment) env[key] = value;

  int out_fd = options.output_fd;
  int opened_fd = -1;
  if (out_fd < 0) {
    const std::string path = options.log_file.empty() ? "/dev/null" : options.log_file.string();
    opened_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (opened_fd < 0) return util::Status::infrastructure("cannot open " + path + ": " + ::strerror(errno));
    out_fd = opened_fd;
  }
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

  // Everything the child needs is computed before fork: after fork only async-signal-safe calls.
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
  if (options.run_as_user) {
    const passwd* pw = ::getpwnam(options.run_as_user->c_str());
    if (pw == nullptr) {
      if (opened_fd >= 0) ::close(opened_fd);
      if (null_fd >= 0) ::close(null_fd);
      return util::Status::infrastructure("cannot run as user '" + *options.run_as_user + "': no such user");
    }
    switch_user = true;
    uid = pw->pw_uid;
    gid = pw->pw_gid;
    int count = 64;
    groups.resize(count);
    if (::getgrouplist(pw->pw_name, gid, groups.data(), &count) < 0) {
      groups.resize(count);
      ::getgrouplist(pw->pw_name, gid, groups.data(), &count);
    }
    groups.resize(count);
  }
  const std::string cwd = options.working_directory.string();
  std::vector<std::string> args(options.argv.begin() + 1, options.argv.end());

  pid_t pid = -1;
  try {
    bp::child child(
        exe, bp::args(args), env,
        bp::extend::on_exec_setup([&](auto&) {
          ::setpgid(0, 0);
          if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
          ::dup2(out_fd, STDOUT_FILENO);
          ::dup2(out_fd, STDERR_FILENO);
          if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
          if (switch_user) {
            if (::setgroups(groups.size(), groups.data()) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) {
              ::_exit(126);
            }
          }
        }));
    pid = child.id();
    reaper.track(pid);
    child.detach();  // the Reaper owns waitpid
  } catch (const std::exception& e) {
    if (opened_fd >= 0) ::close(opened_fd);
    if (null_fd >= 0) ::close(null_fd);
    return util::Status::infrastructure("cannot run '" + options.argv[0] + "': " + e.what());
  }
  // The parent also sets the group, so a signal sent right after spawn() already reaches the whole group.
  ::setpgid(pid, pid);
  if (opened_fd >= 0) ::close(opened_fd);
  if (null_fd >= 0) ::close(null_fd);
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid));
}

ChildProcess::~ChildProcess() {
  if (!exit_status()) ::killpg(m_pid, SIGKILL);
  if (!wait_for(k_reap_timeout)) {
    // Reported, never thrown: a process in uninterruptible sleep may take longer.
    std::fprintf(stderr, "celery-chaos: pid %d not reaped within 5 s of SIGKILL\n", m_pid);
  }
  ::killpg(m_pid, SIGKILL);  // members of the group that outlived the leader
  Reaper::instance().forget(m_pid);
}

std::optional<ExitStatus> ChildProcess::exit_status() const { return Reaper::instance().status(m_pid); }

std::optional<ExitStatus> ChildProcess::wait_for(std::chrono::milliseconds timeout) const {
  return Reaper::instance().wait_for(m_pid, timeout);
}

void ChildProcess::signal(int sig) const {
  if (!exit_status()) ::kill(m_pid, sig);
}

void ChildProcess::signal_group(int sig) const { ::killpg(m_pid, sig); }

ExitStatus ChildProcess::stop(std::chrono::milliseconds grace) {
  if (auto status = exit_status()) {
    ::killpg(m_pid, SIGKILL);
    return *status;
  }
  ::killpg(m_pid, SIGTERM);
  ::killpg(m_pid, SIGCONT);  // a paused (SIGSTOPped) service cannot act on SIGTERM otherwise
  auto status = wait_for(grace);
  ::killpg(m_pid, SIGKILL);
  if (!status) status = wait_for(k_reap_timeout);
  return status.value_or(ExitStatus{-1, SIGKILL});
}

std::vector<std::string> shell(const std::string& command) { return {"/bin/sh", "-c", command}; }

CommandResult run_command(const SpawnOptions& options, std::chrono::milliseconds timeout) {
  CommandResult result;
  const auto started = std::chrono::steady_clock::now();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    result.spawn_failed = true;
    result.output = std::string("cannot create a pipe: ") + ::strerror(errno);
    return result;
  }
  SpawnOptions with_pipe = options;
  with_pipe.output_fd = fds[1];
  auto child = ChildProcess::spawn(with_pipe);
  ::close(fds[1]);
  if (!child) {
    ::close(fds[0]);
    result.spawn_failed = true;
    result.output = child.error().message();
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return result;
  }
  const pid_t pid = (*child)->pid();
  // A pidfd becomes readable when the process exits: wait for output, EOF and exit without polling in slices.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  const auto deadline = started + timeout;
  std::string output;
  bool eof = false;
  char buffer[8192];
  while (true) {
    const bool exited = (*child)->exit_status().has_value();
    if (eof && exited) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = !exited;
      break;
    }
    pollfd fds_to_poll[2];
    nfds_t n = 0;
    int pipe_index = -1;
    if (!eof) {
      pipe_index = static_cast<int>(n);
      fds_to_poll[n++] = {fds[0], POLLIN, 0};
    }
    if (!exited) fds_to_poll[n++] = {pidfd >= 0 ? pidfd : -1, POLLIN, 0};
    // Without a pidfd, or once the pipe is at EOF but the leader is not yet reaped, wait in short slices.
    int slice = static_cast<int>(left.count());
    if (pidfd < 0 || (eof && !exited)) slice = std::min(slice, 2);
    if (exited && !eof) slice = std::min(slice, 20);  // a grandchild may hold the pipe: do not wait for it
    ::poll(fds_to_poll, n, slice);
    if (pipe_index >= 0 && (fds_to_poll[pipe_index].revents & (POLLIN | POLLHUP | POLLERR))) {
      const ssize_t got = ::read(fds[0], buffer, sizeof buffer);  // will not block: POLLIN/HUP was reported
      if (got > 0) {
        output.append(buffer, static_cast<size_t>(got));
        if (output.size() > 2 * k_output_limit) output.erase(0, output.size() - k_output_limit);
      } else if (got == 0) {
        eof = true;
      }
    }
    if (exited && !eof) {
      // The leader is gone but a grandchild keeps the pipe open: take what is there and stop reading.
      ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
      ssize_t got;
      while ((got = ::read(fds[0], buffer, sizeof buffer)) > 0) output.append(buffer, static_cast<size_t>(got));
      break;
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  ::close(fds[0]);
  if (result.timed_out) {
    ::killpg(pid, SIGKILL);
    (*child)->wait_for(k_reap_timeout);
  } else {
    result.status = (*child)->wait_for(k_reap_timeout);
  }
  ::killpg(pid, SIGKILL);  // whatever the command left in its group
  if (output.size() > k_output_limit) output.erase(0, output.size() - k_output_limit);
  result.output = std::move(output);
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return result;
}

}  // namespace harness::process
