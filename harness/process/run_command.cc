// run_command() (declared in child_process.h): a short-lived command with its output captured. Used for
// readiness polls and health probes, so it costs little more than fork+exec: it sleeps in one poll() on the
// output pipe and a pidfd of the leader, and never waits for a pipe that a backgrounded grandchild holds.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "harness/process/child_process.h"

namespace harness::process {

namespace {
using Clock = std::chrono::steady_clock;
constexpr std::size_t k_output_limit = 64 * 1024;
constexpr auto k_reap_timeout = std::chrono::milliseconds{5000};
// Without a pidfd (kernel < 5.3) the leader's exit is noticed by asking the Reaper this often.
constexpr int k_poll_slice_ms = 2;
// After the leader exits, what is already in the pipe is read, at most this much (a grandchild may write forever).
constexpr std::size_t k_drain_limit = 4 * k_output_limit;

// The last k_output_limit bytes of what is appended.
class OutputTail {
public:
  void append(const char* data, std::size_t size) {
    m_text.append(data, size);
    if (m_text.size() > 2 * k_output_limit) m_text.erase(0, m_text.size() - k_output_limit);
  }
  std::string take() && {
    if (m_text.size() > k_output_limit) m_text.erase(0, m_text.size() - k_output_limit);
    return std::move(m_text);
  }

private:
  std::string m_text;
};

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

int milliseconds_until(Clock::time_point deadline) {
  const auto left = deadline - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  // Rounded up, so that poll() does not return just before the deadline and spin.
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
}

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}
}  // namespace

CommandResult run_command(const SpawnOptions& options, std::chrono::milliseconds timeout) {
  CommandResult result;
  const auto started = Clock::now();
  const auto deadline = started + timeout;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    result.spawn_failed = true;
    result.output = std::string("cannot create a pipe: ") + ::strerror(errno);
    return result;
  }
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);
  SpawnOptions with_pipe = options;
  with_pipe.output_fd = write_end.fd;
  auto spawned = ChildProcess::spawn(with_pipe);
  write_end.reset();  // EOF then comes when the command (and whatever inherited its stdout) closes it
  if (!spawned) {
    result.spawn_failed = true;
    result.output = spawned.error().message();
    result.duration = since(started);
    return result;
  }
  ChildProcess& child = **spawned;
  // Readable once the leader has exited. ESRCH: it has already exited and been reaped.
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, child.pid(), 0)));
  const bool pidfd_gone = pidfd.fd < 0 && errno == ESRCH;

  OutputTail output;
  char buffer[64 * 1024];
  bool eof = false;
  bool leader_exited = pidfd_gone;
  while (!leader_exited) {
    const int left = milliseconds_until(deadline);
    if (left <= 0) {
      result.timed_out = true;
      break;
    }
    pollfd fds[2] = {{eof ? -1 : read_end.fd, POLLIN, 0}, {pidfd.fd, POLLIN, 0}};
    const int wait = pidfd.fd >= 0 ? left : std::min(left, k_poll_slice_ms);
    if (::poll(fds, 2, wait) < 0 && errno != EINTR) break;
    if (fds[0].revents != 0) {
      const ssize_t got = ::read(read_end.fd, buffer, sizeof buffer);  // does not block: poll said so
      if (got > 0) {
        output.append(buffer, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        eof = true;
      }
    }
    leader_exited = pidfd.fd >= 0 ? fds[1].revents != 0 : child.exit_status().has_value();
  }
  if (!result.timed_out && !eof) {
    // The leader has exited, so everything it wrote is in the pipe: take what is there without waiting for
    // writers that outlived it (they are killed below).
    ::fcntl(read_end.fd, F_SETFL, O_NONBLOCK);
    std::size_t drained = 0;
    ssize_t got;
    while (drained < k_drain_limit && (got = ::read(read_end.fd, buffer, sizeof buffer)) > 0) {
      output.append(buffer, static_cast<std::size_t>(got));
      drained += static_cast<std::size_t>(got);
    }
  }
  read_end.reset();
  // The leader is alive or unreaped (so its group is surely ours), or reaped; signal_group() knows which.
  child.signal_group(SIGKILL);
  const auto status = child.wait_for(k_reap_timeout);
  if (!result.timed_out) result.status = status;
  result.output = std::move(output).take();
  result.duration = since(started);
  return result;  // ~ChildProcess: the group is SIGKILLed once more and the ticket dropped
}

}  // namespace harness::process
