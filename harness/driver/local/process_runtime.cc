// The local driver's runtime: the instance is a child process of the harness in its own process group
// (process/child_process.h); a pid file's pid is a host pid already.
#include <sys/resource.h>

#include <csignal>

#include "harness/driver/local/runtime.h"
#include "harness/process/proc_stat.h"

namespace harness::driver::local {
namespace {

class ProcessRuntime final : public Runtime {
public:
  explicit ProcessRuntime(std::unique_ptr<process::ChildProcess> child) : m_child(std::move(child)) {}

  std::optional<process::ExitStatus> exit_status() const override { return m_child->exit_status(); }
  nlohmann::json identity() const override { return {{"pid", m_child->pid()}}; }
  pid_t main_pid() const override { return m_child->pid(); }

  SignalResult signal(SignalTarget target, int sig) override {
    SignalResult result;
    if (!running()) return result;
    switch (target) {
      case SignalTarget::k_group:
        m_child->signal_group(sig);
        result.processes.push_back(m_child->pgid());
        result.delivered = true;
        break;
      case SignalTarget::k_main:
      case SignalTarget::k_server:
        m_child->signal(sig);
        result.processes.push_back(m_child->pid());
        result.delivered = true;
        break;
      case SignalTarget::k_children:
        for (const pid_t pid : process::children_of(m_child->pid()))
          if (::kill(pid, sig) == 0) result.processes.push_back(pid);
        result.delivered = true;
        break;
    }
    return result;
  }

  bool set_priority(int nice) const override {
    return running() && ::setpriority(PRIO_PGRP, static_cast<id_t>(m_child->pgid()), nice) == 0;
  }

  void stop(std::chrono::milliseconds grace) override {
    if (running()) m_child->stop(grace);
  }

  std::optional<pid_t> host_pid(pid_t own_pid) const override {
    if (!process::read_proc_stat(own_pid)) return std::nullopt;
    return own_pid;
  }

private:
  std::unique_ptr<process::ChildProcess> m_child;
};

}  // namespace

Launcher process_launcher() {
  return [](const Launch& launch) -> util::Expected<std::shared_ptr<Runtime>> {
    auto spawned = process::ChildProcess::spawn(launch.options);
    if (!spawned) return spawned.error();
    return std::shared_ptr<Runtime>(std::make_shared<ProcessRuntime>(std::move(spawned.value())));
  };
}

}  // namespace harness::driver::local
