#include "harness/report/timeline.h"

#include <gtest/gtest.h>

namespace {
using harness::history::Event;
using harness::report::build_timeline;
using harness::report::Timeline;
using nlohmann::json;

Event event(double t, std::string type, std::string service = {}, json data = json::object()) {
  Event e;
  e.t = t;
  e.type = std::move(type);
  e.service = std::move(service);
  e.data = std::move(data);
  return e;
}

// The states of a lane as "state@start-end" strings.
std::vector<std::string> spans(const Timeline& timeline, const std::string& service) {
  std::vector<std::string> out;
  for (const auto& lane : timeline.lanes) {
    if (lane.service != service) continue;
    for (const auto& s : lane.spans) {
      out.push_back(s.state + "@" + std::to_string(static_cast<int>(s.start)) + "-" +
                    std::to_string(static_cast<int>(s.end)));
    }
  }
  return out;
}

TEST(Timeline, lanes_follow_each_instance_through_its_states_and_restarts) {
  const Timeline t = build_timeline({
      event(0, "run.begin"),
      event(1, "service.starting", "broker"),
      event(2, "service.started", "worker.1"),
      event(3, "service.ready", "broker"),
      event(4, "service.ready", "worker.1"),
      event(6, "health.state", "worker.1", {{"state", "unhealthy"}}),
      event(7, "service.killed", "worker.1"),
      event(8, "service.restarted", "worker.1"),
      event(9, "exec.result", "worker"),
      event(10, "service.stopped", "broker"),
      event(12, "run.end"),
  });
  ASSERT_EQ(t.lanes.size(), 2u);  // exec.result names a group, not an instance: no lane
  EXPECT_EQ(t.lanes[0].service, "broker");
  EXPECT_EQ(spans(t, "broker"), (std::vector<std::string>{"starting@1-3", "healthy@3-10", "stopped@10-12"}));
  EXPECT_EQ(spans(t, "worker.1"), (std::vector<std::string>{"starting@2-4", "healthy@4-6", "unhealthy@6-7",
                                                            "exited@7-8", "starting@8-12"}));
  EXPECT_EQ(t.lanes[1].restarts, std::vector<double>{8});
  EXPECT_EQ(t.end, 12);
}

TEST(Timeline, a_pause_fault_pauses_the_group_instances_and_gives_back_their_state) {
  const Timeline t = build_timeline({
      event(1, "service.ready", "worker.1"),
      event(1, "service.ready", "worker.2"),
      event(1, "service.ready", "broker"),
      event(3, "fault.start", "worker", {{"kind", "pause"}}),
      event(5, "fault.end", "worker", {{"kind", "pause"}}),
      event(6, "fault.start", "broker", {{"kind", "kill"}}),
      event(9, "run.end"),
  });
  EXPECT_EQ(spans(t, "worker.2"), (std::vector<std::string>{"healthy@1-3", "paused@3-5", "healthy@5-9"}));
  EXPECT_EQ(spans(t, "broker"), (std::vector<std::string>{"healthy@1-9"}));
  ASSERT_EQ(t.faults.size(), 2u);
  EXPECT_EQ(t.faults[0].kind, "pause");
  EXPECT_EQ(t.faults[0].end, 5);
  EXPECT_TRUE(t.faults[0].ended);
  EXPECT_EQ(t.faults[1].end, 9);  // never ended: shaded to the end
  EXPECT_FALSE(t.faults[1].ended);
}

TEST(Timeline, steps_loads_and_decisions_are_kept_in_time) {
  const Timeline t = build_timeline({
      event(1, "step.begin", {}, {{"index", 1}, {"line", 21}}),
      event(2, "load.begin", {}, {{"load", "before"}}),
      event(4, "load.end", {}, {{"load", "before"}}),
      event(5, "check.verdict", {}, {{"name", "nothing lost"}, {"outcome", "passed"}}),
      event(6, "run.end"),
  });
  ASSERT_EQ(t.steps.size(), 1u);
  EXPECT_EQ(t.steps[0].label, "step 1 (line 21)");
  ASSERT_EQ(t.loads.size(), 1u);
  EXPECT_EQ(t.loads[0].end, 4);
  EXPECT_EQ(decided_at(t, "nothing lost"), 5);
  EXPECT_EQ(decided_at(t, "never judged"), 6);  // no decision: the end
}

TEST(Timeline, the_ledger_gives_executions_and_latency_per_second) {
  Event begin = event(0, "run.begin");
  begin.time = "2026-11-22T17:41:00.000Z";
  Timeline t = build_timeline({begin, event(4, "run.end")});
  ASSERT_TRUE(t.epoch_at_zero);
  const double zero = *t.epoch_at_zero;
  harness::check::DeliveryInput input;
  input.add_publish("a", "l", harness::check::PublishOutcome::k_confirmed, zero + 1.0);
  input.add_publish("b", "l", harness::check::PublishOutcome::k_confirmed, zero + 1.0);
  input.add_execution("a", "w", zero + 1.1);
  input.add_execution("b", "w", zero + 1.5);
  input.add_execution("a", "w", zero + 2.5, true);  // a redelivery: counted, no second latency
  add_ledger(t, input);
  EXPECT_EQ(t.per_second.executions, (std::vector<int>{0, 2, 1, 0}));
  ASSERT_TRUE(t.per_second.p50_ms[1]);
  EXPECT_NEAR(*t.per_second.p50_ms[1], 100, 1);
  EXPECT_NEAR(*t.per_second.p99_ms[1], 500, 1);
  EXPECT_FALSE(t.per_second.p50_ms[2]);
}

}  // namespace
