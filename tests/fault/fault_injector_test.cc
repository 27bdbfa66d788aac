// The fault injector's dispatch through the registry, on fake services behind the driver seam: what each
// instance is sent, and what the History records.
#include "harness/fault/fault_injector.h"

#include <signal.h>

#include <gtest/gtest.h>

#include "harness/fault/fault_kind.h"
#include "harness/fault/kill.h"
#include "harness/util/clock.h"
#include "tests/driver/fake_service.h"

namespace harness::fault {
namespace {

using driver::SignalTarget;

// Instances that run nothing: they record the signals they are sent, and answer with two "child" processes.
using driver::testing::FakeService;

struct InjectorFixture {
  util::RealClock clock;
  history::History history{clock, "/dev/null"};
  stack::RunControl control{clock, std::chrono::seconds{60}};
  FakeService* first = nullptr;
  FakeService* second = nullptr;
  std::unique_ptr<stack::Stack> stack;

  InjectorFixture() {
    std::vector<std::unique_ptr<driver::Service>> services;
    const FakeService::Options running_worker{.scenario_service = "worker", .running = true};
    services.push_back(std::make_unique<FakeService>("worker.1", running_worker));
    services.push_back(std::make_unique<FakeService>("worker.2", running_worker));
    first = static_cast<FakeService*>(services[0].get());
    second = static_cast<FakeService*>(services[1].get());
    stack = std::make_unique<stack::Stack>(std::move(services), history, control, clock);
  }
  std::vector<history::Event> faults() const { return history.events_of_type("fault."); }
};

scenario::FaultStep step(const std::string& kind, const std::string& service,
                         std::shared_ptr<const scenario::KindParams> params = nullptr) {
  scenario::FaultStep fault;
  fault.kind = kind;
  fault.service = service;
  fault.params = std::move(params);
  return fault;
}

TEST(FaultInjectorTest, pause_stops_every_instance_and_continues_them_on_clear) {
  InjectorFixture f;
  auto clear = apply_fault(step("pause", "worker"), *f.stack, f.history);
  ASSERT_TRUE(clear) << clear.error().message();
  const std::vector<std::pair<SignalTarget, int>> stopped{{SignalTarget::k_group, SIGSTOP}};
  EXPECT_EQ(f.first->sent, stopped);
  EXPECT_EQ(f.second->sent, stopped);
  ASSERT_EQ(f.faults().size(), 1u);
  EXPECT_TRUE(history::is(f.faults()[0], history::EventType::k_fault_start));
  EXPECT_EQ(f.faults()[0].data["instances"], (nlohmann::json{"worker.1", "worker.2"}));
  EXPECT_EQ(f.faults()[0].data["signal"], "SIGSTOP");

  (**clear)();
  (**clear)();  // only the first call acts
  const std::vector<std::pair<SignalTarget, int>> continued{{SignalTarget::k_group, SIGSTOP},
                                                            {SignalTarget::k_group, SIGCONT}};
  EXPECT_EQ(f.first->sent, continued);
  EXPECT_EQ(f.second->sent, continued);
  ASSERT_EQ(f.faults().size(), 2u);
  EXPECT_TRUE(history::is(f.faults()[1], history::EventType::k_fault_end));
  EXPECT_EQ(f.faults()[1].data["instances"], (nlohmann::json{"worker.1", "worker.2"}));
}

TEST(FaultInjectorTest, freeze_asks_the_engine_to_pause_and_unpause_every_instance) {
  util::RealClock clock;
  history::History history{clock, "/dev/null"};
  stack::RunControl control{clock, std::chrono::seconds{60}};
  std::vector<std::unique_ptr<driver::Service>> services;
  const FakeService::Options with_engine{.scenario_service = "worker", .running = true, .engine = true};
  services.push_back(std::make_unique<FakeService>("worker.1", with_engine));
  services.push_back(std::make_unique<FakeService>("worker.2", with_engine));
  auto* first = static_cast<FakeService*>(services[0].get());
  stack::Stack stack(std::move(services), history, control, clock);
  auto clear = apply_fault(step("freeze", "worker"), stack, history);
  ASSERT_TRUE(clear) << clear.error().message();
  EXPECT_EQ(first->freezes, (std::vector<bool>{true}));
  EXPECT_TRUE(first->sent.empty());  // no signal: the engine's freezer
  (**clear)();
  EXPECT_EQ(first->freezes, (std::vector<bool>{true, false}));
  const auto faults = history.events_of_type("fault.");
  ASSERT_EQ(faults.size(), 2u);
  EXPECT_EQ(faults[0].data["instances"], (nlohmann::json{"worker.1", "worker.2"}));
  EXPECT_EQ(faults[1].data["instances"], (nlohmann::json{"worker.1", "worker.2"}));
}

TEST(FaultInjectorTest, freeze_without_an_engine_is_an_error_naming_pause) {
  InjectorFixture f;  // services of the local driver's kind: no engine
  auto clear = apply_fault(step("freeze", "worker"), *f.stack, f.history);
  ASSERT_FALSE(clear);
  EXPECT_EQ(clear.error().kind(), util::ErrorKind::k_invalid_input);
  EXPECT_EQ(clear.error().message(), "freeze of worker.1: freeze needs a container engine (--driver docker): under "
                                     "the local driver use pause, a SIGSTOP of the instance's processes");
  EXPECT_TRUE(f.faults().empty());
}

TEST(FaultInjectorTest, kill_records_start_and_end_and_reaches_only_running_instances) {
  InjectorFixture f;
  f.second->exit_with(0);
  auto params = std::make_shared<KillParams>();
  params->signal = SIGTERM;
  params->target = "children";
  auto clear = apply_fault(step("kill", "worker", params), *f.stack, f.history);
  ASSERT_TRUE(clear) << clear.error().message();
  EXPECT_EQ(f.first->sent, (std::vector<std::pair<SignalTarget, int>>{{SignalTarget::k_children, SIGTERM}}));
  EXPECT_TRUE(f.second->sent.empty());
  const auto events = f.faults();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(history::is(events[0], history::EventType::k_fault_start));
  EXPECT_EQ(events[0].data["signal"], "SIGTERM");
  EXPECT_EQ(events[0].data["target"], "children");
  EXPECT_EQ(events[0].data["instances"], nlohmann::json::parse(R"([{"instance": "worker.1", "pids": [201, 202]}])"));
  EXPECT_TRUE(history::is(events[1], history::EventType::k_fault_end));
  EXPECT_EQ(events[1].data["instant"], true);
  (**clear)();  // no inverse: nothing more is sent or recorded
  EXPECT_EQ(f.first->sent.size(), 1u);
  EXPECT_EQ(f.faults().size(), 2u);
}

TEST(FaultInjectorTest, kill_of_one_instance_signals_its_main_process) {
  InjectorFixture f;
  auto params = std::make_shared<KillParams>();
  params->target = "main";
  ASSERT_TRUE(apply_fault(step("kill", "worker.2", params), *f.stack, f.history));
  EXPECT_TRUE(f.first->sent.empty());
  EXPECT_EQ(f.second->sent, (std::vector<std::pair<SignalTarget, int>>{{SignalTarget::k_main, SIGKILL}}));
  EXPECT_EQ(f.faults()[0].data["instances"], (nlohmann::json{"worker.2"}));
}

TEST(FaultInjectorTest, an_unknown_target_is_an_error) {
  InjectorFixture f;
  auto clear = apply_fault(step("pause", "nope"), *f.stack, f.history);
  ASSERT_FALSE(clear);
  EXPECT_EQ(clear.error().message(), "fault target 'nope' is not a service of this run");
  EXPECT_TRUE(f.faults().empty());
}

TEST(FaultInjectorTest, an_unregistered_kind_is_an_error) {
  InjectorFixture f;
  auto clear = apply_fault(step("restart", "worker"), *f.stack, f.history);
  ASSERT_FALSE(clear);
  EXPECT_EQ(clear.error().message(), "fault 'restart' is not supported yet");
}

TEST(FaultInjectorTest, every_kind_the_loader_reads_can_be_applied) {
  EXPECT_EQ(registry().names(), scenario::fault_syntax().names());
  for (const auto& kind : registry().all()) EXPECT_TRUE(kind.apply) << kind.name;
}

}  // namespace
}  // namespace harness::fault
