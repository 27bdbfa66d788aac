// A scenario's client as a child process of the harness (Service::launch_client's default; the local driver's).
#include "harness/driver/service.h"

namespace harness::driver {
namespace {

class ChildClient final : public Client {
public:
  explicit ChildClient(std::unique_ptr<process::ChildProcess> child) : m_child(std::move(child)) {}

  std::optional<process::ExitStatus> exit_status() const override { return m_child->exit_status(); }
  void stop(std::chrono::milliseconds grace) override {
    if (m_child->running()) m_child->stop(grace);
  }
  nlohmann::json identity() const override { return {{"pid", m_child->pid()}}; }
  bool signal(int sig) override {
    if (!m_child->running()) return false;
    m_child->signal(sig);
    return true;
  }

private:
  std::unique_ptr<process::ChildProcess> m_child;
};

}  // namespace

util::Expected<std::unique_ptr<Client>> spawn_child_client(const process::SpawnOptions& options) {
  auto child = process::ChildProcess::spawn(options);
  if (!child) return child.error();
  return std::unique_ptr<Client>(std::make_unique<ChildClient>(std::move(child.value())));
}

util::Expected<std::unique_ptr<Client>> Service::launch_client(const process::SpawnOptions& options,
                                                               const std::string& client,
                                                               const std::vector<std::filesystem::path>& writes) const {
  (void)client;
  (void)writes;  // on the machine, every folder is there
  return spawn_child_client(options);
}

}  // namespace harness::driver
