#pragma once
// A driver for unit tests of the runner's phases and of prestart: FakeServices (tests/driver/fake_service.h)
// that are ready at once (or never, or fail to be created), nothing started for real; it records what the run
// asked of it.
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/driver/driver.h"
#include "tests/driver/fake_service.h"

namespace harness::run::testing {

using driver::testing::FakeService;

class FakeDriver final : public driver::Driver {
public:
  std::string name() const override { return "fake"; }
  // One FakeService per scenario service, of kind "rabbitmq" for a RabbitMQ, "fake" otherwise.
  util::Expected<std::vector<std::unique_ptr<driver::Service>>> create_services(
      const scenario::Scenario& scenario, const driver::RunPaths&) override {
    if (!create_error.empty()) return util::Status::infrastructure(create_error);
    std::vector<std::unique_ptr<driver::Service>> services;
    for (const auto& spec : scenario.services) {
      const bool broker = spec.kind == scenario::ServiceKind::k_rabbitmq;
      services.push_back(std::make_unique<FakeService>(
          spec.name, FakeService::Options{.kind = broker ? "rabbitmq" : "fake", .ready = ready,
                                          .placeholders = {{"port", "1"}}, .version = "1.2.3"}));
      created.push_back(static_cast<FakeService*>(services.back().get()));
      starts.push_back(created.back()->starts);
    }
    return services;
  }
  std::vector<std::int64_t> kill_leftovers(const std::string& run_id) override {
    std::lock_guard lock(m_mutex);
    swept_runs.push_back(run_id);
    return {};
  }

  util::Expected<driver::Versions> stack_versions() override {
    if (versions) return *versions;
    return util::Status::infrastructure("the fake driver has no versions");
  }

  bool ready = true;              // the services it creates become ready at once, or never
  std::optional<driver::Versions> versions;  // what stack_versions() tells (none: an error)
  std::string create_error;       // non-empty: create_services fails with it
  std::vector<FakeService*> created;  // valid while the run owns them
  std::vector<std::shared_ptr<std::atomic<int>>> starts;  // each created service's start() count
  std::vector<std::string> swept_runs;  // kill_leftovers' run ids, in order

private:
  std::mutex m_mutex;
};

}  // namespace harness::run::testing
