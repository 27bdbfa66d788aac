// The celery-monitor service (what Flower shows) on the real services: the shipped scenarios see a hung worker offline
// from its stale heartbeats and a task stuck in a hung pool child; and, where the worker or the task does not hang,
// their checks fail.
#include <gmock/gmock.h>


#include <nlohmann/json.hpp>

#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;

const std::string k_offline = "monitor-paused-worker-offline";
const std::string k_stuck = "monitor-hung-pool-child-stuck";

test::fs::path shipped(const std::string& name) { return test::source_dir() / "scenarios" / (name + ".yaml"); }

std::string suite_header(const std::string& name, int tests, int failures) {
  return "<testsuite name=\"" + name + "\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"0\"";
}

// The History's events of `type` about `service`, as JSON lines.
std::vector<nlohmann::json> events_of(const test::Run& run, const std::string& scenario, const std::string& type,
                                      const std::string& service) {
  std::vector<nlohmann::json> out;
  for (auto& event : test::json_lines(run.dir / scenario / "history.jsonl"))
    if (event.is_object() && event.value("type", "") == type && event.value("service", "") == service)
      out.push_back(std::move(event));
  return out;
}

// The verdict messages of a scenario's checks (a passed check has none in the JUnit), from its History.
std::string verdicts(const test::Run& run, const std::string& scenario) {
  std::string out;
  for (const auto& e : events_of(run, scenario, "check.verdict", "")) out += e["data"].value("message", "") + "\n";
  return out;
}

TEST(Monitor, sees_the_hung_worker_offline_and_the_task_stuck_in_its_hung_pool_child) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto runs = test::run_in_parallel({{shipped(k_offline).string()}, {shipped(k_stuck).string()}}, dir.path());
  for (const auto& run : runs) EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_THAT(verdicts(runs[0], k_offline), HasSubstr("hung.1 seen offline "));
  EXPECT_THAT(verdicts(runs[0], k_offline), HasSubstr("after the first fault (pause at "));
  // Heartbeats every 2 s, then none; the status the monitor decided, with Celery's expiry of 2 x the last
  // heartbeat's freq: 2 s, or 5 s when the last one was the worker's answer to the monitor's wake-up (the pause
  // can come before the next regular one: it did once in CI).
  const auto heartbeats = events_of(runs[0], k_offline, "monitor.worker", "hung.1");
  ASSERT_FALSE(heartbeats.empty());
  const double freq = heartbeats.back()["data"]["freq"].get<double>();
  EXPECT_TRUE(freq == 2.0 || freq == 5.0) << freq;
  const auto statuses = events_of(runs[0], k_offline, "monitor.status", "hung.1");
  ASSERT_EQ(statuses.size(), 2u) << runs[0].cli.output;
  EXPECT_EQ(statuses[1]["data"]["status"], "offline");
  const auto& offline = statuses[1]["data"];
  EXPECT_DOUBLE_EQ(offline["expires"].get<double>() - offline["last_heartbeat"].get<double>(), 2 * freq);
  const std::string stuck = verdicts(runs[1], k_stuck);
  EXPECT_THAT(stuck, HasSubstr("1 task(s) started longer than 10s (expected at least 1); the longest: "));
  EXPECT_THAT(stuck, HasSubstr("(probe.sleep on worker.1) started at "));
  EXPECT_THAT(stuck, HasSubstr("'worker' was never seen offline (worker.1 online at "));
}

TEST(Monitor, its_checks_fail_where_the_worker_or_the_task_does_not_hang) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  // A harmless signal instead of the SIGSTOP: a fault on the worker that does not hang it.
  const auto offline = dir.write(k_offline + ".yaml", test::replaced_in(shipped(k_offline), "fault: {pause: hung}",
                                                                        "fault: {kill: {service: hung, signal: CONT}}"));
  // No hang: the 5 s task succeeds.
  const auto stuck = dir.write(k_stuck + ".yaml",
                               test::replaced_in(shipped(k_stuck), "    fault: {kill: {service: worker, target: children, signal: STOP}}",
                                                 "    wait: 1s"));
  const auto runs = test::run_in_parallel({{offline.string()}, {stuck.string()}}, dir.path() / "runs");
  for (const auto& run : runs) EXPECT_EQ(run.cli.exit_code, 1) << run.cli.output;
  EXPECT_THAT(runs[0].junit, HasSubstr(suite_header(k_offline, 3, 2)));
  EXPECT_THAT(runs[0].junit, HasSubstr("expected 'hung' to be seen offline within 15s of the first fault (kill at "));
  EXPECT_THAT(runs[0].junit, HasSubstr("it was not (hung.1 online at "));
  EXPECT_THAT(runs[1].junit, HasSubstr(suite_header(k_stuck, 3, 1)));
  EXPECT_THAT(runs[1].junit, HasSubstr("0 task(s) started longer than 10s (expected at least 1); the longest: "));
}

}  // namespace
