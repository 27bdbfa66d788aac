// A scenario's client (Service::spawn_client) over the runtime a launcher started it in: a child process under the
// local driver (and Service::launch_client's default), a container under the docker driver.
#include "harness/driver/local/runtime.h"

namespace harness::driver {
namespace {

class LaunchedClient final : public Client {
public:
  explicit LaunchedClient(std::shared_ptr<local::Runtime> runtime) : m_runtime(std::move(runtime)) {}
  std::optional<process::ExitStatus> exit_status() const override { return m_runtime->exit_status(); }
  void stop(std::chrono::milliseconds grace) override {
    if (m_runtime->running()) m_runtime->stop(grace);
  }
  nlohmann::json identity() const override { return m_runtime->identity(); }
  bool signal(int sig) override { return m_runtime->signal(SignalTarget::k_main, sig).delivered; }

private:
  std::shared_ptr<local::Runtime> m_runtime;  // its release kills what is left (a container is removed)
};

}  // namespace

util::Expected<std::unique_ptr<Client>> local::launch_client(const Launcher& launcher,
                                                             const process::SpawnOptions& options,
                                                             std::string instance,
                                                             const std::vector<std::filesystem::path>& writes) {
  Launch launch{options, std::move(instance), "client"};
  launch.writes = writes;
  auto launched = launcher(launch);
  if (!launched) return launched.error();
  return std::unique_ptr<Client>(std::make_unique<LaunchedClient>(std::move(launched.value())));
}

util::Expected<std::unique_ptr<Client>> Service::launch_client(const process::SpawnOptions& options,
                                                               const std::string& client,
                                                               const std::vector<std::filesystem::path>& writes) const {
  return local::launch_client(local::process_launcher(), options, name() + "-" + client, writes);
}

}  // namespace harness::driver
