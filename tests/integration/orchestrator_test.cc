// The orchestrator and faults on real services: incident scenarios give their verdicts, their checks fail on
// the wrong configuration, a hanging probe is killed at its timeout, faults apply and clear.
#include <gmock/gmock.h>

#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;

std::string scenario(const char* name) { return (test::source_dir() / "scenarios" / name).string(); }

TEST(Orchestrator, incident_scenarios_reproduce_and_their_fixes_pass) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  auto result = test::run_cli({"run", scenario("incident-003-restart-loop.yaml"), scenario("incident-003-fixed.yaml"),
                               scenario("incident-000-pidbox-reply-expiry.yaml"), scenario("incident-000-fixed.yaml"),
                               "--report-dir", dir.path().string()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const std::string junit = test::read_file(test::latest_run(dir.path()) / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("tests=\"12\" failures=\"0\" errors=\"0\""));
}

TEST(Orchestrator, restart_loop_checks_fail_on_the_fixed_configuration) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  // incident-003-restart-loop's checks against the fixed command: the property they assert does not hold.
  std::string text = test::read_file(scenario("incident-003-restart-loop.yaml"));
  const std::string bad = "worker --loglevel INFO --queue=email_processing";
  ASSERT_NE(text.find(bad), std::string::npos);
  text.replace(text.find(bad), bad.size(), "worker --loglevel INFO --queues email_processing");
  const auto file = dir.write("crossed.yaml", text);
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const std::string junit = test::read_file(test::latest_run(dir.path() / "reports") / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("failures=\"3\""));
  EXPECT_THAT(junit, HasSubstr("expected at least 3 restart(s) of 'worker'; 0 restart(s)"));
  EXPECT_THAT(junit, HasSubstr("expected 'worker' to exit with exit code 2 with 'No such option: --queue' in its log; it did not exit"));
  EXPECT_THAT(junit, HasSubstr("expected the log of 'worker' not to contain ' ready.'; worker.1.log has it: "));
}

TEST(Orchestrator, a_probe_that_hangs_past_its_timeout_fails_and_is_killed) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("hang.yaml", R"(name: hang
services:
  cache:
    image: redis
    healthcheck: {test: ["CMD-SHELL", "sleep 300"], interval: 1s, timeout: 500ms, retries: 2}
steps:
  - wait: 5s
checks:
  - health: {service: cache, state: unhealthy, within: 5s}
)");
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  auto events = harness::history::read_history(test::latest_run(dir.path() / "reports") / "hang" / "history.jsonl");
  ASSERT_TRUE(events.has_value()) << events.error().message();
  int probes = 0;
  for (const auto& e : *events) {
    if (e.type != "health.probe") continue;
    ++probes;
    EXPECT_TRUE(e.data["timed_out"].get<bool>());
    EXPECT_EQ(e.data["exit_code"], -1);
    EXPECT_LT(e.data["duration_s"].get<double>(), 2.0) << "the probe was not killed at its 500 ms timeout";
  }
  EXPECT_GE(probes, 2);
}

TEST(Orchestrator, pause_and_policy_faults_apply_and_clear_on_the_real_services) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("faults.yaml", R"(name: faults
services:
  broker: {image: rabbitmq}
  worker: {image: celery-worker, broker: broker}
steps:
  - wait: {ready: all, timeout: 90s}
  - fault: {policy: {broker: broker, name: cap, pattern: '^celery$', definition: {max-length: 1000}}}
    for: 1s
  - fault: {pause: worker}
    for: 4s
  - name: a paused worker does not answer
    exec: {service: worker, command: "celery -A probe inspect ping -d {{worker.node}} --timeout 1", expect_exit: 69}
  - wait: 4s
  - name: a resumed worker answers again
    exec: {service: worker, command: "celery -A probe inspect ping -d {{worker.node}} --timeout 5", expect_exit: 0}
  - name: the policy was removed
    exec: {command: "curl -s -u {{broker.user}}:{{broker.password}} {{broker.management_url}}/api/policies || true"}
)");
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  auto events = harness::history::read_history(test::latest_run(dir.path() / "reports") / "faults" / "history.jsonl");
  ASSERT_TRUE(events.has_value());
  std::vector<std::string> seen;
  for (const auto& e : *events) {
    if (e.type == "fault.start" || e.type == "fault.end") {
      seen.push_back(e.type + " " + e.data.value("kind", std::string{}));
      const std::string kind = e.data.value("kind", std::string{});
      if (kind == "policy" && e.type == "fault.start") {
        EXPECT_TRUE(e.data["observed"].get<bool>());
      }
      if (kind == "policy" && e.type == "fault.end") {
        EXPECT_TRUE(e.data["removed"].get<bool>());
      }
      if (kind == "pause") {
        EXPECT_EQ(e.data["instances"], nlohmann::json::array({"worker.1"}));
      }
    }
  }
  EXPECT_THAT(seen, testing::UnorderedElementsAre("fault.start policy", "fault.end policy", "fault.start pause",
                                                  "fault.end pause"));
}

}  // namespace
