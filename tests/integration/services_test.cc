// Each local service starts, becomes ready, and stops, leaving no process or port behind.
#include <gmock/gmock.h>

#include "tests/integration/cli_harness.h"
#include "harness/driver/driver.h"
#include "harness/process/ports.h"
#include "harness/process/sweeper.h"
#include "harness/history/history.h"
#include "harness/run/runner.h"
#include "harness/stack/stack.h"

namespace {
using harness::scenario::Service;
using harness::scenario::ServiceKind;

class LocalServices : public testing::Test {
protected:
  void SetUp() override {
    REQUIRE_SERVICES();
    harness::process::OwnerMark::set_run_id("svc-test-" + std::to_string(::getpid()));
    m_paths.work_dir = m_dir.path() / "work";
    m_paths.cache_dir = harness::run::default_work_base() / "cache";
    m_paths.logs_dir = m_dir.path() / "logs";
    m_paths.run_id = "svc-test-" + std::to_string(::getpid());
    test::fs::create_directories(m_paths.logs_dir);
    test::fs::create_directories(m_paths.work_dir);
    test::fs::permissions(m_dir.path(), test::fs::perms::owner_all | test::fs::perms::others_read |
                                            test::fs::perms::others_exec | test::fs::perms::group_read |
                                            test::fs::perms::group_exec);
    test::fs::permissions(m_paths.work_dir, test::fs::perms::owner_all | test::fs::perms::others_read |
                                                test::fs::perms::others_exec | test::fs::perms::group_read |
                                                test::fs::perms::group_exec);
  }

  // Boots the scenario's services, expects all ready, stops them, expects nothing left.
  void boot_and_stop(harness::scenario::Scenario scenario) {
    scenario.name = "services";
    auto services = harness::driver::make_local_driver()->create_services(scenario, m_paths);
    ASSERT_TRUE(services.has_value()) << services.error().message();
    harness::util::RealClock clock;
    harness::history::History history(clock, m_dir.path() / "history.jsonl");
    ASSERT_TRUE(history.open().is_ok());
    harness::stack::RunControl control(clock, std::chrono::minutes{3});
    std::vector<pid_t> pids;
    std::vector<std::uint16_t> ports;
    {
      harness::stack::Stack stack(std::move(services.value()), history, control, clock);
      auto st = stack.start_all(std::chrono::seconds{90});
      ASSERT_TRUE(st.is_ok()) << st.message();
      for (const auto& s : stack.services()) {
        EXPECT_FALSE(s->version().empty()) << s->name() << " reported no version";
        pids.push_back(s->identity().at("pid").get<pid_t>());
        for (auto p : s->ports()) {
          ports.push_back(p);
        }
      }
      stack.stop_all();
    }
    harness::process::kill_run(m_paths.run_id);
    for (pid_t pid : pids) EXPECT_NE(::kill(pid, 0), 0) << "pid " << pid << " still alive";
    for (auto port : ports) EXPECT_FALSE(harness::process::is_listening(port)) << "port " << port << " still open";
    EXPECT_TRUE(test::processes_owned_by(::getpid()).empty());
  }

  static Service service(const std::string& name, ServiceKind kind) {
    Service s;
    s.name = name;
    s.kind = kind;
    return s;
  }

  test::TempDir m_dir;
  harness::driver::RunPaths m_paths;
};

TEST_F(LocalServices, redis_starts_answers_ping_and_stops) {
  harness::scenario::Scenario scenario;
  scenario.services = {service("cache", ServiceKind::k_redis)};
  boot_and_stop(scenario);
}

TEST_F(LocalServices, postgres_starts_accepts_connections_and_stops) {
  harness::scenario::Scenario scenario;
  scenario.services = {service("db", ServiceKind::k_postgres)};
  boot_and_stop(scenario);
}

TEST_F(LocalServices, rabbitmq_starts_completes_amqp_handshake_and_stops) {
  harness::scenario::Scenario scenario;
  scenario.services = {service("broker", ServiceKind::k_rabbitmq)};
  boot_and_stop(scenario);
}

TEST_F(LocalServices, celery_worker_replicas_answer_ping_and_stop) {
  harness::scenario::Scenario scenario;
  auto worker = service("worker", ServiceKind::k_celery_worker);
  worker.broker = "queue";
  worker.replicas = 2;
  scenario.services = {service("queue", ServiceKind::k_redis), worker};
  boot_and_stop(scenario);
}

}  // namespace
