// The shipped network scenarios with real services, and one where the property they assert is broken (AMQP
// heartbeats off: the worker never notices the blackholed connection, so the reconnect check fails).
#include <gmock/gmock.h>

#include "harness/history/event_type.h"
#include "harness/history/history.h"
#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;

std::string scenario(const std::string& name) { return test::shipped(name).string(); }
using test::suite_header;

// Runs the shipped scenario `name` (in `dir`) and expects its `checks` checks to pass.
test::Run expect_passes(const std::string& name, int checks, const test::TempDir& dir) {
  auto run = test::run_scenarios({scenario(name)}, dir.path());
  EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_THAT(run.junit, HasSubstr(suite_header(name, checks, 0)));
  return run;
}

TEST(NetScenarios, broker_blackhole_with_heartbeats_the_worker_reconnects) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  expect_passes("net-broker-blackhole-heartbeat", 2, dir);
}

TEST(NetScenarios, heartbeats_off_the_worker_never_reconnects_and_the_check_fails) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("net-broker-blackhole-heartbeat.yaml",
                              test::replaced_in(scenario("net-broker-blackhole-heartbeat"), "broker_heartbeat: 10",
                                                "broker_heartbeat: 0"));
  const auto run = test::run_scenarios({file.string()}, dir.path() / "reports");
  EXPECT_EQ(run.cli.exit_code, 1) << run.cli.output;
  EXPECT_THAT(run.junit, HasSubstr(suite_header("net-broker-blackhole-heartbeat", 2, 2)));
  EXPECT_THAT(run.junit, HasSubstr("worker.1 did not reconnect (expected within 30s of the fault at"));
}

TEST(NetScenarios, backend_latency_tasks_still_succeed_nothing_lost) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  expect_passes("net-backend-latency", 1, dir);
}

// The partition cuts worker.1's path to the broker and no other: worker.2 runs the requeued tasks.
TEST(NetScenarios, worker_partitioned_with_acks_late_its_tasks_run_again_on_the_other) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto run = expect_passes("net-worker-partitioned-acks-late", 2, dir);
  auto events = harness::history::read_history(run.dir / "net-worker-partitioned-acks-late" / "history.jsonl");
  ASSERT_TRUE(events) << events.error().message();
  std::vector<nlohmann::json> cut;
  for (const auto& e : *events)
    if (harness::history::is(e, harness::history::EventType::k_fault_start)) cut.push_back(e.data.at("cut"));
  EXPECT_EQ(cut, (std::vector<nlohmann::json>{nlohmann::json::array({"worker.1 -> broker"})}));
}

// Events of `type` in the history of the shipped scenario `name` run in `run`.
std::vector<harness::history::Event> events_of(const test::Run& run, const std::string& name,
                                               harness::history::EventType type) {
  auto events = harness::history::read_history(run.dir / name / "history.jsonl");
  EXPECT_TRUE(events) << events.error().message();
  std::vector<harness::history::Event> out;
  if (events)
    for (const auto& e : *events)
      if (harness::history::is(e, type)) out.push_back(e);
  return out;
}

// The reset fails the publish it catches (after Celery's default retries) with the socket's error, and the load
// goes on: every other publish is confirmed.
TEST(NetScenarios, broker_reset_during_confirmed_publish_fails_the_publish_it_catches_and_loses_nothing) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const std::string name = "net-broker-reset-during-confirmed-publish";
  const auto run = expect_passes(name, 3, dir);
  std::vector<std::string> errors;
  for (const auto& e : events_of(run, name, harness::history::EventType::k_load_publish))
    if (e.data.at("outcome") == "failed") errors.push_back(e.data.at("error"));
  ASSERT_FALSE(errors.empty());
  EXPECT_THAT(errors, testing::Each(HasSubstr("Connection reset by peer")));
  const auto end = events_of(run, name, harness::history::EventType::k_load_end);
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(end[0].data.at("counts").value("confirmed", 0) + static_cast<int>(errors.size()), 100);
  const auto fault_end = events_of(run, name, harness::history::EventType::k_fault_end);
  ASSERT_EQ(fault_end.size(), 1u);
  EXPECT_GE(fault_end[0].data.at("report").at("connections_reset").get<int>(), 1);
}

// Every large task crossed the throttled path twice (published, then delivered to the worker): the bandwidth toxic
// reports at least 20 x 32 KiB each way, and every throttled publish was confirmed.
TEST(NetScenarios, broker_bandwidth_limited_large_payloads_are_confirmed_later_and_none_lost) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const std::string name = "net-broker-bandwidth-large-payload";
  const auto run = expect_passes(name, 2, dir);
  const auto fault_end = events_of(run, name, harness::history::EventType::k_fault_end);
  ASSERT_EQ(fault_end.size(), 1u);
  EXPECT_GE(fault_end[0].data.at("report").at("bytes_throttled").get<std::int64_t>(), 2 * 20 * 32768);
  std::vector<nlohmann::json> counts;
  for (const auto& e : events_of(run, name, harness::history::EventType::k_load_end)) {
    if (e.data.at("load") == "throttled") counts.push_back(e.data.at("counts"));
  }
  EXPECT_EQ(counts, (std::vector<nlohmann::json>{nlohmann::json{{"confirmed", 20}}}));
}

}  // namespace
