// The swarm driver against the engine's real Swarm mode (scripts/dockerd's private engine; scripts/images' image):
// incidents/000 under Swarm's own health-check replacements, a delivery scenario whose killed worker Swarm restarts,
// the emulation compared with Swarm on the same scenario, and the swarm's cleanup: a swarm the harness made is left,
// an existing one is used only with --swarm existing and kept, and nothing of a run stays in Docker or the swarm.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/datastore/http_client.h"
#include "harness/driver/docker/container_spec.h"
#include "harness/driver/docker/engine.h"
#include "tests/integration/cli_harness.h"
#include "tests/integration/swarm_test_util.h"

namespace {

using harness::driver::docker::Engine;
using test::engine;
using test::harness_objects;
using test::swarm_state;

bool has_network(const Engine& e, const std::string& name) {
  auto reply = e.call("GET", "/networks/" + name);
  return reply && reply->status == 200;
}

test::Run run_with(const std::vector<std::string>& args_before, const std::vector<std::string>& files,
                   const test::fs::path& root) {
  std::vector<std::string> args = args_before;
  args.push_back("run");
  for (const auto& f : files) args.push_back(f);
  args.insert(args.end(), {"--report-dir", root.string()});
  test::Run run;
  run.cli = test::run_cli(args, std::chrono::seconds{600});
  if (test::fs::exists(root / "latest")) {
    run.dir = test::latest_run(root);
    run.junit = test::read_file(run.dir / "junit.xml");
  }
  return run;
}

std::vector<nlohmann::json> events(const test::fs::path& scenario_dir, const std::string& type,
                                   const std::string& service = {}) {
  std::vector<nlohmann::json> out;
  for (const auto& e : test::json_lines(scenario_dir / "history.jsonl"))
    if (e.value("type", "") == type && (service.empty() || e.value("service", "") == service)) out.push_back(e);
  return out;
}

#define REQUIRE_NO_SWARM(e)                                                                                        \
  do {                                                                                                             \
    ASSERT_EQ(swarm_state(e), "inactive") << "the engine is in a swarm already: these tests make their own";      \
  } while (0)

TEST(SwarmDriver, incident_000_and_a_killed_worker_are_swarms_to_replace_and_nothing_is_left) {
  const Engine e = engine();
  REQUIRE_NO_SWARM(e);
  const bool had_gwbridge = has_network(e, "docker_gwbridge");
  test::TempDir dir;
  const auto run = run_with({"--driver", "swarm"},
                            {test::shipped("incident-000-pidbox-reply-expiry").string(),
                             test::shipped("incident-000-heartbeat-hung-worker").string(),
                             test::shipped("delivery-kill-worker-acks-late").string()},
                            dir.path() / "reports");
  EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_EQ(run.junit.find("<failure"), std::string::npos) << run.junit;
  EXPECT_NE(run.junit.find("<property name=\"driver\" value=\"swarm\" />"), std::string::npos) << run.junit;
  // Swarm's own tasks: the worker ran as a Swarm task, and its replacement is a new task Swarm started.
  const auto scenario = run.dir / "incident-000-pidbox-reply-expiry";
  std::set<std::string> tasks;
  for (const auto& event : events(scenario, "engine.event", "worker.1"))
    if (const std::string action = event["data"].value("action", "");
        action == "task running" || action == "task starting")
      tasks.insert(event["data"]["attributes"].value("task", ""));
  EXPECT_GE(tasks.size(), 2u);
  const auto restarted = events(scenario, "service.restarted", "worker.1");
  ASSERT_FALSE(restarted.empty());
  EXPECT_EQ(restarted[0]["data"]["by"], "engine");
  EXPECT_NE(restarted[0]["data"].value("reason", "").find("unhealthy"), std::string::npos) << restarted[0];
  EXPECT_TRUE(events(scenario, "service.killed").empty());  // never the harness's own replacement
  // Nothing left: no service, no container, the swarm left, and the bridge it brought removed.
  EXPECT_EQ(harness_objects(e), 0u);
  EXPECT_EQ(swarm_state(e), "inactive");
  EXPECT_EQ(has_network(e, "docker_gwbridge"), had_gwbridge);
}

constexpr const char* k_restarted_worker = R"(name: swarm-restart
services:
  broker: {image: redis}
  worker:
    image: celery-worker
    broker: broker
    deploy: {restart_policy: {condition: any, delay: 1s}}
steps:
  - wait: {ready: all, timeout: 60s}
  - fault: {kill: {service: worker, signal: KILL}}
  - load: {task: probe.record, args: [0], count: 1}
  - wait: {drained: true, timeout: 60s}   # run by the worker Swarm started again
checks:
  - restarts: {service: worker, min: 1}
  - delivery: {lost: 0}
)";

TEST(SwarmDriver, an_existing_swarm_is_refused_without_swarm_existing_and_used_and_kept_with_it) {
  const Engine e = engine();
  REQUIRE_NO_SWARM(e);
  const bool had_gwbridge = has_network(e, "docker_gwbridge");
  ASSERT_TRUE(e.expect_ok("POST", "/swarm/init", {{"ListenAddr", "127.0.0.1:2377"}, {"AdvertiseAddr", "127.0.0.1"}}));
  test::TempDir dir;
  const auto scenario = dir.path() / "swarm-restart.yaml";
  {
    std::ofstream(scenario) << k_restarted_worker;
  }
  const auto refused = run_with({"--driver", "swarm"}, {scenario.string()}, dir.path() / "refused");
  EXPECT_EQ(refused.cli.exit_code, 3) << refused.cli.output;
  EXPECT_NE(refused.cli.output.find("already part of a swarm"), std::string::npos) << refused.cli.output;
  EXPECT_NE(refused.cli.output.find("--swarm existing"), std::string::npos) << refused.cli.output;

  const auto used = run_with({"--driver", "swarm", "--swarm", "existing"}, {scenario.string()}, dir.path() / "used");
  EXPECT_EQ(used.cli.exit_code, 0) << used.cli.output;
  EXPECT_FALSE(events(used.dir / "swarm-restart", "service.restarted", "worker.1").empty());
  EXPECT_EQ(swarm_state(e), "active");  // the user's swarm stays
  EXPECT_EQ(harness_objects(e), 0u);    // and nothing of the run is in it

  (void)e.call("POST", "/swarm/leave?force=1", nullptr, std::chrono::seconds{60});
  if (!had_gwbridge) (void)e.call("DELETE", "/networks/docker_gwbridge");
}

// One scenario's numbers (seconds): from the fault to the first unhealthy state and to the first replacement
// running; replacements in the window.
struct Replacement {
  double to_unhealthy = -1;
  double to_replaced = -1;
  std::size_t replacements = 0;
};

Replacement measured(const test::fs::path& scenario_dir) {
  Replacement r;
  const auto faults = events(scenario_dir, "fault.start");
  if (faults.empty()) return r;
  const double fault = faults[0].value("t", 0.0);
  for (const auto& s : events(scenario_dir, "health.state", "worker.1"))
    if (s["data"].value("state", "") == "unhealthy" && s.value("t", 0.0) >= fault) {
      r.to_unhealthy = s.value("t", 0.0) - fault;
      break;
    }
  const auto restarted = events(scenario_dir, "service.restarted", "worker.1");
  r.replacements = restarted.size();
  if (!restarted.empty()) r.to_replaced = restarted[0].value("t", 0.0) - fault;
  return r;
}

// incidents/000 under the harness's emulation (the docker driver: Docker's own health check, the Stack replaces the
// unhealthy container) and under Swarm. Both use Docker's prober, so the worker turns unhealthy within one probe
// interval (2 s) of the same time after the fault (plus the probe's own run, `celery status` ~1 s). The replacement
// differs by design, as the README says: the emulation replaces at once (a 2 s stop grace, Docker's 100 ms restart
// backoff); Swarm stops the task with its StopGracePeriod and starts the next after its RestartPolicy delay
// (default 5 s), so its first replacement runs at least 5 s after the unhealthy state, the emulation's within 5 s.
TEST(SwarmDriver, the_emulation_and_swarm_turn_the_worker_unhealthy_alike_and_replace_it_by_their_own_delays) {
  const Engine e = engine();
  REQUIRE_NO_SWARM(e);
  test::TempDir dir;
  const std::string scenario = test::shipped("incident-000-pidbox-reply-expiry").string();
  const auto emulated = run_with({"--driver", "docker"}, {scenario}, dir.path() / "emulated");
  const auto swarm = run_with({"--driver", "swarm"}, {scenario}, dir.path() / "swarm");
  ASSERT_EQ(emulated.cli.exit_code, 0) << emulated.cli.output;
  ASSERT_EQ(swarm.cli.exit_code, 0) << swarm.cli.output;
  const auto a = measured(emulated.dir / "incident-000-pidbox-reply-expiry");
  const auto b = measured(swarm.dir / "incident-000-pidbox-reply-expiry");
  ::testing::Test::RecordProperty("emulation", std::to_string(a.to_unhealthy) + " s to unhealthy, " +
                                                   std::to_string(a.to_replaced) + " s to replaced, " +
                                                   std::to_string(a.replacements) + " replacements");
  ::testing::Test::RecordProperty("swarm", std::to_string(b.to_unhealthy) + " s to unhealthy, " +
                                               std::to_string(b.to_replaced) + " s to replaced, " +
                                               std::to_string(b.replacements) + " replacements");
  ASSERT_GE(a.to_unhealthy, 0);
  ASSERT_GE(b.to_unhealthy, 0);
  EXPECT_LE(std::abs(a.to_unhealthy - b.to_unhealthy), 2.0 + 1.5) << a.to_unhealthy << " vs " << b.to_unhealthy;
  ASSERT_GE(a.replacements, 1u);
  ASSERT_GE(b.replacements, 1u);
  EXPECT_LT(a.to_replaced - a.to_unhealthy, 5.0) << a.to_replaced;
  EXPECT_GE(b.to_replaced - b.to_unhealthy, 5.0) << b.to_replaced;
  EXPECT_GE(a.replacements, b.replacements);  // the emulation's shorter cycle replaces at least as often
}

}  // namespace
