// The shipped scenarios of Celery behaviours the documentation warns about (a Redis broker restarted without
// persistence, a countdown past Redis's visibility timeout, a long task on the solo pool and a CPU-bound one on the
// gevent and eventlet pools with AMQP heartbeats), on the real services; and each with the property it asserts
// broken, where its check fails.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;
using test::edited;
using test::shipped;

const std::string k_outage = "redis-broker-outage-during-load";
const std::string k_countdown = "redis-countdown-beyond-visibility-timeout";
const std::string k_solo = "solo-pool-long-task-missed-heartbeats";
const std::string k_green = "gevent-pool-cpu-bound-task-missed-heartbeats";

std::string suite_header(const std::string& name, int tests, int failures) {
  return "<testsuite name=\"" + name + "\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"0\"";
}

nlohmann::json delivery(const test::Run& run, const std::string& name, const std::string& file = "delivery.json") {
  return nlohmann::json::parse(test::read_file(run.dir / name / file), nullptr, false);
}

TEST(CeleryCoverage, the_shipped_scenarios_see_what_the_documentation_says) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto runs = test::run_in_parallel({{shipped(k_outage).string(), shipped(k_solo).string()},
                                           {shipped(k_countdown).string(), shipped(k_green).string()}},
                                          dir.path());
  for (const auto& run : runs) EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  // The backlog went with Redis's memory; what was published after the outage ran.
  const auto before = delivery(runs[0], k_outage);
  EXPECT_GE(before["counts"]["lost"].get<int>(), 1) << before.dump();
  EXPECT_EQ(delivery(runs[0], k_outage, "delivery-2.json")["counts"]["lost"], 0);
  // The long task ran again after the broker dropped the silent connection.
  EXPECT_GE(delivery(runs[0], k_solo)["counts"]["duplicated"].get<int>(), 1);
  // Every countdown task ran at its ETA (20 s), some twice.
  const auto delayed = delivery(runs[1], k_countdown);
  EXPECT_GE(delayed["counts"]["duplicated"].get<int>(), 1) << delayed.dump();
  EXPECT_EQ(delayed["counts"]["lost"], 0);
  EXPECT_GE(delayed["latency_ms"]["p50"].get<double>(), 20000.0) << delayed.dump();
  // The spinning task ran again after the broker dropped the connection its greenlets could not serve.
  EXPECT_GE(delivery(runs[1], k_green)["counts"]["duplicated"].get<int>(), 1);
}

// The eventlet pool is the same model: one OS thread for every green thread, the connection's included.
TEST(CeleryCoverage, a_cpu_bound_task_on_the_eventlet_pool_misses_heartbeats_too) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto eventlet = dir.write(k_green + ".yaml", edited(k_green, {{"    pool: gevent\n", "    pool: eventlet\n"},
                                                                      {"contains: \"(gevent)\"", "contains: \"(eventlet)\""}}));
  const auto run = test::run_cli({"--report-dir", (dir.path() / "runs").string(), "run", eventlet.string()});
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

// The fixes the descriptions give: then what each scenario asserts does not happen, and its check says so.
TEST(CeleryCoverage, their_checks_fail_where_the_documented_behaviour_does_not_happen) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  // No outage: nothing queued is lost.
  const auto outage = dir.write(k_outage + ".yaml", edited(k_outage, {{"  - fault: {redis-restart: {service: queue, down: 3s}}\n",
                                                                        "  - wait: 1s\n"}}));
  // A countdown within the visibility timeout: every task has run (and been acknowledged) before the restarted worker
  // restores what is older than the timeout, so nothing runs twice.
  const auto countdown = dir.write(k_countdown + ".yaml",
                                   edited(k_countdown, {{"countdown: 20s", "countdown: 1s"}}));
  // A task shorter than the heartbeat timeout: the solo pool's event loop runs again in time, nothing runs twice.
  const auto solo = dir.write(k_solo + ".yaml",
                              edited(k_solo, {{"args: [20]", "args: [2]"}, {"timeout: 60s", "timeout: 20s"}}));
  // A task that waits as long in a cooperative sleep (monkey-patched time.sleep): the greenlets that keep the
  // connection run meanwhile, nothing runs twice, and the broker logs no missed heartbeats.
  const auto green = dir.write(k_green + ".yaml", edited(k_green, {{"task: probe.spin", "task: probe.record"},
                                                                   {"timeout: 60s", "timeout: 30s"}}));
  const auto runs = test::run_in_parallel({{outage.string(), solo.string()}, {countdown.string(), green.string()}},
                                          dir.path() / "runs");
  for (const auto& run : runs) EXPECT_EQ(run.cli.exit_code, 1) << run.cli.output;
  // Nothing lost, and no connection lost to log.
  EXPECT_THAT(runs[0].junit, HasSubstr(suite_header(k_outage, 3, 2)));
  EXPECT_THAT(runs[0].junit, HasSubstr("lost 0 of 60 accepted tasks (expected "));
  EXPECT_THAT(runs[0].junit, HasSubstr(suite_header(k_solo, 3, 3)));
  // (Its restart check may fail too: with every task run by 2 s the drain ends before the killed worker is back.)
  EXPECT_THAT(runs[1].junit, HasSubstr("duplicated 0 of 20 executed tasks (expected "));
  // Only the pool's own line is there: ran once, no missed heartbeats, no lost connection.
  EXPECT_THAT(runs[1].junit, HasSubstr(suite_header(k_green, 4, 3)));
  EXPECT_THAT(runs[1].junit, HasSubstr("duplicated 0 of 1 executed task (expected "));
}

}  // namespace
