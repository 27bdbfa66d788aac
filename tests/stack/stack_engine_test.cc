// The Stack with an engine that probes and restarts by itself (the docker driver's: Service::use_engine_*): it hands
// the health check and the restart policy over, records what the engine reports in the events its own prober and
// restarts write, holds the engine's restarts for a stop of its own, and stays the orchestrator that replaces an
// unhealthy instance. The engine is the fake service's, played by each test.
#include <gtest/gtest.h>

#include "harness/stack/stack.h"
#include "tests/driver/fake_service.h"
#include "tests/process/process_test_util.h"

namespace harness::stack {
namespace {

using namespace std::chrono_literals;

using driver::testing::FakeService;

struct EngineFixture {
  util::RealClock clock;
  history::History history{clock, "/dev/null"};
  stack::RunControl control{clock, 1h};
  FakeService* service = nullptr;
  std::unique_ptr<Stack> stack;

  explicit EngineFixture(InstancePolicy policy, bool engine = true, bool orchestrator = false) {
    std::vector<std::unique_ptr<driver::Service>> services;
    services.push_back(
        std::make_unique<FakeService>("worker.1", FakeService::Options{.engine = engine, .orchestrator = orchestrator}));
    service = static_cast<FakeService*>(services.back().get());
    stack = std::make_unique<Stack>(std::move(services), history, control, clock);
    stack->add_placeholders({{"run.dir", "/runs/r1"}});
    stack->set_policies({{"worker.1", policy}});
  }
  std::size_t count(const std::string& type) const { return history.events_of_type(type).size(); }
};

InstancePolicy restarting(const std::string& restart) {
  InstancePolicy policy;
  policy.restart = restart;
  return policy;
}

scenario::HealthCheck file_check() {
  scenario::HealthCheck check;
  check.test = {"CMD-SHELL", "test ! -e {{run.dir}}/sick"};
  check.interval = 1s;
  check.retries = 2;
  return check;
}

TEST(StackEngineTest, the_engine_restarts_an_exited_instance_and_the_stack_records_it_without_starting_it) {
  EngineFixture f(restarting("on-failure"));
  EXPECT_EQ(f.service->engine_policy, "on-failure");
  ASSERT_TRUE(f.stack->start_all(10s));
  f.service->exit_with(2);
  ASSERT_TRUE(process_test::eventually([&] { return f.count("service.exited") == 1; }));
  const auto exited = f.history.events_of_type("service.exited")[0];
  EXPECT_EQ(exited.data["restart_by"], "engine");
  EXPECT_FALSE(exited.data.contains("restart_in_s"));  // the engine's delay, not the Stack's
  EXPECT_TRUE(f.stack->restart_pending("worker.1"));
  f.service->engine_restart();
  ASSERT_TRUE(process_test::eventually([&] { return f.count("service.restarted") == 1; }));
  const auto restarted = f.history.events_of_type("service.restarted")[0];
  EXPECT_EQ(restarted.data["by"], "engine");
  EXPECT_EQ(restarted.data["count"], 1);
  EXPECT_EQ(restarted.data["reason"], "exited with exit code 2");
  EXPECT_EQ(*f.service->starts, 1);  // never started by the Stack again
  EXPECT_EQ(f.stack->generation(f.service), 2);
  EXPECT_FALSE(f.stack->restart_pending("worker.1"));
}

TEST(StackEngineTest, without_an_engine_or_with_a_scaled_backoff_the_stack_restarts_itself) {
  for (const bool engine : {false, true}) {
    auto policy = restarting("always");
    policy.docker_backoff = !engine;  // with an engine, a backoff Docker cannot apply keeps the Stack's restarts
    policy.backoff = health::scaled(health::Backoff::docker(), 0.01);
    EngineFixture f(policy, engine);
    EXPECT_EQ(f.service->engine_policy, "");
    ASSERT_TRUE(f.stack->start_all(10s));
    f.service->exit_with(1);
    ASSERT_TRUE(process_test::eventually([&] { return *f.service->starts == 2; }));
    ASSERT_TRUE(process_test::eventually([&] { return f.count("service.restarted") == 1; }));
    EXPECT_FALSE(f.history.events_of_type("service.restarted")[0].data.contains("by"));
  }
}

TEST(StackEngineTest, a_stop_by_the_harness_holds_the_engines_restarts) {
  EngineFixture f(restarting("always"));
  ASSERT_TRUE(f.stack->start_all(10s));
  ASSERT_TRUE(f.stack->stop_instance(f.service, "a fault", [&] { f.service->exit_with(-1, 9); }, 5s));
  EXPECT_TRUE(f.service->engine_held);
  EXPECT_EQ(f.count("service.exited"), 0u);
  EXPECT_FALSE(f.stack->restart_pending("worker.1"));
}

TEST(StackEngineTest, a_health_check_goes_to_the_engine_with_the_instances_environment_and_its_reports_become_events) {
  auto policy = restarting("no");
  policy.healthcheck = file_check();
  EngineFixture f(policy);
  ASSERT_TRUE(f.service->engine_check);
  const auto& argv = f.service->engine_check->argv;
  ASSERT_GE(argv.size(), 4u);
  EXPECT_EQ(argv[2], "cd \"$0\" && exec env \"$@\"");
  EXPECT_EQ(argv.back(), "test ! -e /runs/r1/sick");  // placeholders expanded
  EXPECT_EQ(f.service->engine_check->interval, 1s);
  EXPECT_EQ(f.service->engine_check->retries, 2);

  ASSERT_TRUE(f.stack->start_all(10s));
  f.service->set_engine_health({"healthy", 0, {{"2026-11-28T09:00:01Z", 0.05, 0, ""}}});
  ASSERT_TRUE(process_test::eventually([&] { return f.count("health.state") == 2; }));
  f.service->set_engine_health({"unhealthy", 2,
                                {{"2026-11-28T09:00:01Z", 0.05, 0, ""},
                                 {"2026-11-28T09:00:02Z", 0.05, 1, ""},
                                 {"2026-11-28T09:00:03Z", 0.05, 1, "sick\n"}}});
  ASSERT_TRUE(process_test::eventually([&] { return f.count("health.state") == 3; }));
  const auto states = f.history.events_of_type("health.state");
  EXPECT_EQ(states[0].data["state"], "starting");
  EXPECT_EQ(states[1].data["state"], "healthy");
  EXPECT_EQ(states[2].data["state"], "unhealthy");
  EXPECT_EQ(states[2].data["engine"], true);
  const auto probes = f.history.events_of_type("health.probe");
  ASSERT_EQ(probes.size(), 3u);  // each probe once, though the engine reports it again
  EXPECT_EQ(probes[1].data["state"], "healthy");  // before the engine's last: the state recorded then
  EXPECT_EQ(probes[2].data["state"], "unhealthy");
  EXPECT_EQ(probes[2].data["failing_streak"], 2);
  EXPECT_EQ(f.count("service.killed"), 0u);  // no restart_on_unhealthy: plain Docker leaves it
}

TEST(StackEngineTest, an_instance_the_engine_reports_unhealthy_is_replaced_by_the_stack_with_restart_on_unhealthy) {
  auto policy = restarting("no");
  policy.healthcheck = file_check();
  policy.restart_on_unhealthy = true;
  policy.backoff = health::scaled(health::Backoff::docker(), 0.01);
  EngineFixture f(policy);
  ASSERT_TRUE(f.stack->start_all(10s));
  f.service->set_engine_health({"unhealthy", 2, {{"2026-11-28T09:00:03Z", 0.05, 1, ""}}});
  ASSERT_TRUE(process_test::eventually([&] { return f.count("service.killed") == 1; }));
  ASSERT_TRUE(process_test::eventually([&] { return *f.service->starts == 2; }));
  EXPECT_TRUE(process_test::eventually([&] { return f.count("service.restarted") == 1; }));
}

// Docker sets a container whose health monitor stopped (paused, or between a stop and a start) "unhealthy" with no
// probe: not its prober's verdict (fewer failures in a row than `retries`), so neither recorded nor acted on.
TEST(StackEngineTest, an_unhealthy_status_without_retries_failures_in_a_row_is_not_a_verdict) {
  auto policy = restarting("no");
  policy.healthcheck = file_check();  // retries 2
  policy.restart_on_unhealthy = true;
  EngineFixture f(policy);
  ASSERT_TRUE(f.stack->start_all(10s));
  f.service->set_engine_health({"healthy", 0, {{"2026-11-28T09:00:01Z", 0.05, 0, ""}}});
  ASSERT_TRUE(process_test::eventually([&] { return f.count("health.state") == 2; }));
  f.service->set_engine_health({"unhealthy", 1, {{"2026-11-28T09:00:01Z", 0.05, 0, ""}}});
  EXPECT_FALSE(process_test::eventually([&] { return f.count("health.state") > 2; }, 400ms));
  EXPECT_EQ(f.count("service.killed"), 0u);
}

TEST(StackEngineTest, a_kubernetes_probe_stays_the_stacks_own) {
  auto policy = restarting("no");
  policy.healthcheck = file_check();
  policy.healthcheck->kubernetes = true;
  EngineFixture f(policy);
  EXPECT_FALSE(f.service->engine_check);
}

// The swarm driver's engine orchestrates: the Stack hands it the policy, never replaces an unhealthy instance itself,
// and records the engine's replacement with the engine's words and the health state that explains it.
TEST(StackEngineTest, an_orchestrating_engine_replaces_the_unhealthy_instance_and_the_stack_only_records_it) {
  auto policy = restarting("no");
  policy.healthcheck = file_check();
  policy.restart_on_unhealthy = true;
  policy.orchestration = driver::EngineOrchestration{.condition = "any"};
  EngineFixture f(policy, true, true);
  ASSERT_TRUE(f.service->engine_orchestration);
  EXPECT_EQ(f.service->engine_orchestration->condition, "any");
  EXPECT_EQ(f.service->engine_policy, "");  // not Docker's restart policy: the orchestrator's
  ASSERT_TRUE(f.stack->start_all(10s));
  f.service->set_engine_health({"unhealthy", 2, {{"2026-11-28T09:00:03Z", 0.05, 1, ""}}});
  ASSERT_TRUE(process_test::eventually([&] { return f.count("health.state") == 2; }));
  EXPECT_FALSE(process_test::eventually([&] { return f.count("service.killed") > 0; }, 300ms));
  f.service->exit_reason = "finished";
  f.service->exit_with(0);  // Swarm stopped it: a clean shutdown
  ASSERT_TRUE(process_test::eventually([&] { return f.count("service.exited") == 1; }));
  EXPECT_EQ(f.history.events_of_type("service.exited")[0].data["restart_by"], "engine");
  f.service->engine_restart();
  ASSERT_TRUE(process_test::eventually([&] { return f.count("service.restarted") == 1; }));
  const auto restarted = f.history.events_of_type("service.restarted")[0];
  EXPECT_EQ(restarted.data["by"], "engine");
  EXPECT_EQ(restarted.data["reason"], "unhealthy, then ended by the engine (finished)");
  EXPECT_EQ(*f.service->starts, 1);
}

// Its restart policy decides whether an exit is restarted: condition none leaves the instance down, and so does
// max_attempts once reached.
TEST(StackEngineTest, an_orchestrating_engines_condition_says_whether_an_exit_is_restarted) {
  for (const auto& [condition, code, due] : std::vector<std::tuple<std::string, int, bool>>{
           {"none", 1, false}, {"on-failure", 0, false}, {"on-failure", 1, true}, {"any", 0, true}}) {
    auto policy = restarting("no");
    policy.orchestration = driver::EngineOrchestration{.condition = condition};
    EngineFixture f(policy, true, true);
    ASSERT_TRUE(f.stack->start_all(10s));
    f.service->exit_reason = "task: non-zero exit (1)";
    f.service->exit_with(code);
    ASSERT_TRUE(process_test::eventually([&] { return f.count("service.exited") == 1; }));
    EXPECT_EQ(f.stack->restart_pending("worker.1"), due) << condition << " exit " << code;
  }
}

// A readiness wait for an instance that exited and will be restarted waits for the restart (`wait: {ready: [worker]}`
// after a kill); one that will not be restarted fails at once, as before.
TEST(StackEngineTest, a_readiness_wait_waits_through_a_pending_restart_and_not_without_one) {
  for (const std::string condition : {"any", "none"}) {
    auto policy = restarting("no");
    policy.orchestration = driver::EngineOrchestration{.condition = condition};
    EngineFixture f(policy, true, true);
    ASSERT_TRUE(f.stack->start_all(10s));
    f.service->exit_with(-1, 9);
    ASSERT_TRUE(process_test::eventually([&] { return f.count("service.exited") == 1; }));
    std::thread engine([&] {
      std::this_thread::sleep_for(300ms);
      if (condition == "any") f.service->engine_restart();
    });
    const auto waited = f.stack->wait_ready({"worker.1"}, 5s);
    engine.join();
    EXPECT_EQ(static_cast<bool>(waited), condition == "any") << condition << ": " << waited.message();
  }
}

}  // namespace
}  // namespace harness::stack
