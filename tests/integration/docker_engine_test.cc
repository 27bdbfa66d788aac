// Docker's own health checks and restart policies against the harness's emulation of them (issue 12, item 3):
// under --driver docker a service's `healthcheck:` is its container's HEALTHCHECK and its `restart:` the
// container's RestartPolicy, probed and applied by Docker itself and read back into the same events; under the
// local driver the harness emulates Docker's rules. The health state sequences must match, each change within one
// probe interval of the other's; the restart delays must match Docker's doubling.
#include <gtest/gtest.h>

#include <cmath>

#include "harness/driver/docker/engine.h"
#include "tests/integration/cli_harness.h"

namespace {

// A worker whose health check fails while a file exists: created 4 s after the boot, removed 6 s later. Both
// drivers see the file (the run folder is bind-mounted at the same path). The second check cannot pass: it shows
// a check failing on what the engine reported.
constexpr const char* k_scenario = R"(name: health-sequence
timeout: 2m
services:
  broker: {image: redis}
  worker:
    image: celery-worker
    broker: broker
    healthcheck:
      test: ["CMD-SHELL", "test ! -e {{run.dir}}/sick"]
      interval: 1s
      timeout: 5s
      retries: 2
steps:
  - wait: {ready: all, timeout: 60s}
  - wait: 4s
  - exec: {command: "touch {{run.dir}}/sick"}
  - wait: 6s
  - exec: {command: "rm {{run.dir}}/sick"}
  - wait: 4s
checks:
  - name: it turns unhealthy
    health: {service: worker, state: unhealthy, within: 20s}
  - name: it never turns unhealthy (fails)
    health: {service: worker, never: unhealthy}
)";

struct Sequence {
  std::vector<std::string> states;  // worker.1's health.state changes, in order
  std::vector<double> delays;       // each change's time after its cause: the start, the touch, the removal
  bool all_engine = true;           // every state event says the engine reported it
  bool any_engine = false;
  int probes = 0;
};

Sequence sequence_of(const test::fs::path& history) {
  Sequence out;
  double started = NAN;
  std::vector<double> execs;
  for (const auto& e : test::json_lines(history)) {
    const std::string type = e.value("type", "");
    const double t = e.value("t", 0.0);
    if (type == "service.started" && e.value("service", "") == "worker.1" && std::isnan(started)) started = t;
    if (type == "exec.result") execs.push_back(t);
    if (type == "health.probe") ++out.probes;
    if (type != "health.state" || e.value("service", "") != "worker.1") continue;
    const auto& data = e["data"];
    out.states.push_back(data.value("state", ""));
    const bool engine = data.value("engine", false);
    out.all_engine = out.all_engine && engine;
    out.any_engine = out.any_engine || engine;
    // starting at the start, healthy after it, unhealthy after the touch, healthy again after the removal
    const std::size_t n = out.states.size();
    const double cause = n <= 2 ? started : (n == 3 && !execs.empty() ? execs[0] : (execs.size() > 1 ? execs[1] : NAN));
    out.delays.push_back(t - cause);
  }
  return out;
}

test::Run run_under(const std::string& driver, const test::fs::path& file, const test::fs::path& root) {
  test::Run run;
  run.cli = test::run_cli({"--driver", driver, "run", file.string(), "--report-dir", root.string()},
                          std::chrono::seconds{300});
  if (test::fs::exists(root / "latest")) {
    run.dir = test::latest_run(root);
    run.junit = test::read_file(run.dir / "junit.xml");
  }
  return run;
}

// Docker's own words in the History (engine.event, from the container's /events stream) for `instance`: how many
// have `action`, and (when given) the attribute `key` equal to `value`.
int engine_events(const test::fs::path& history, const std::string& instance, const std::string& action,
                  const std::string& key = {}, const std::string& value = {}) {
  int count = 0;
  for (const auto& e : test::json_lines(history)) {
    if (e.value("type", "") != "engine.event" || e.value("service", "") != instance) continue;
    if (e["data"].value("action", "") != action) continue;
    if (!key.empty() && (!e["data"].contains("attributes") || e["data"]["attributes"].value(key, "") != value))
      continue;
    ++count;
  }
  return count;
}

TEST(DockerEngine, dockers_own_health_states_match_the_emulations_within_one_probe_interval) {
  auto engine = harness::driver::docker::Engine::connect();
  ASSERT_TRUE(engine) << engine.error().message();
  test::TempDir dir;
  const auto file = dir.write("health-sequence.yaml", k_scenario);
  const auto local = run_under("local", file, dir.path() / "local");
  const auto docker = run_under("docker", file, dir.path() / "docker");
  for (const auto* run : {&local, &docker}) {
    // The second check fails on each: the states it judges are real, whoever probed.
    EXPECT_EQ(run->cli.exit_code, 1) << run->cli.output;
    EXPECT_NE(run->junit.find("tests=\"2\" failures=\"1\""), std::string::npos) << run->junit;
  }
  const auto emulated = sequence_of(local.dir / "health-sequence" / "history.jsonl");
  const auto real = sequence_of(docker.dir / "health-sequence" / "history.jsonl");
  const std::vector<std::string> expected{"starting", "healthy", "unhealthy", "healthy"};
  EXPECT_EQ(emulated.states, expected);
  EXPECT_EQ(real.states, expected);
  EXPECT_FALSE(emulated.any_engine);  // the harness probed
  EXPECT_TRUE(real.all_engine);       // Docker probed
  EXPECT_GE(real.probes, 8);          // Docker's probe log read back, one probe a second
  // Docker's own events say the same: its health_status changes, from /events.
  const auto docker_history = docker.dir / "health-sequence" / "history.jsonl";
  EXPECT_GE(engine_events(docker_history, "worker.1", "health_status: unhealthy"), 1);
  EXPECT_GE(engine_events(docker_history, "worker.1", "health_status: healthy"), 2);
  EXPECT_EQ(engine_events(local.dir / "health-sequence" / "history.jsonl", "worker.1", "health_status: healthy"), 0);
  ASSERT_EQ(emulated.delays.size(), real.delays.size());
  for (std::size_t i = 1; i < real.delays.size(); ++i) {
    EXPECT_LE(std::abs(real.delays[i] - emulated.delays[i]), 1.0)
        << "the change to " << real.states[i] << ": " << real.delays[i] << " s after its cause under Docker, "
        << emulated.delays[i] << " s under the emulation";
  }
}

// incident-003's restart loop (a worker that exits 2 at once, `restart: unless-stopped`): Docker's own restarts,
// each delay (its exit to its new start) against the emulation's 100 ms, 200 ms, 400 ms...
std::vector<double> restart_delays(const test::fs::path& history, bool& all_engine) {
  std::vector<double> delays;
  all_engine = true;
  for (const auto& e : test::json_lines(history)) {
    if (e.value("type", "") != "service.restarted") continue;
    delays.push_back(e["data"].value("delay_s", -1.0));
    all_engine = all_engine && e["data"].value("by", "") == "engine";
  }
  return delays;
}

TEST(DockerEngine, dockers_own_restarts_double_their_delay_as_the_emulation_does) {
  auto engine = harness::driver::docker::Engine::connect();
  ASSERT_TRUE(engine) << engine.error().message();
  test::TempDir dir;
  const auto file = test::shipped("incident-003-restart-loop");
  const auto local = run_under("local", file, dir.path() / "local");
  const auto docker = run_under("docker", file, dir.path() / "docker");
  EXPECT_EQ(local.cli.exit_code, 0) << local.cli.output;
  EXPECT_EQ(docker.cli.exit_code, 0) << docker.cli.output;
  bool local_engine = false, docker_engine = false;
  const auto emulated = restart_delays(local.dir / "incident-003-restart-loop" / "history.jsonl", local_engine);
  const auto real = restart_delays(docker.dir / "incident-003-restart-loop" / "history.jsonl", docker_engine);
  EXPECT_FALSE(emulated.empty() || local_engine);  // the harness restarted
  EXPECT_TRUE(docker_engine);                      // Docker restarted
  // Docker's /events: a die with the worker's exit code 2 before each restart, and a start for each run.
  const auto docker_history = docker.dir / "incident-003-restart-loop" / "history.jsonl";
  EXPECT_GE(engine_events(docker_history, "worker.1", "die", "exitCode", "2"), static_cast<int>(real.size()));
  EXPECT_GE(engine_events(docker_history, "worker.1", "start"), static_cast<int>(real.size()) + 1);
  ASSERT_GE(real.size(), 4u);
  ASSERT_GE(emulated.size(), 4u);
  // Docker's delay is measured from the exit the harness saw to the new main process: its policy's delay plus
  // the container's start (~0.1-0.3 s), never less than the policy's.
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_GE(real[i], emulated[i] - 0.05) << "restart " << i + 1;
    EXPECT_LE(real[i], emulated[i] + 0.5) << "restart " << i + 1;
  }
}

// freeze (docker pause, the cgroup freezer) against pause (SIGSTOP): two workers with the same self-ping health
// check, one hung each way. Docker probes the paused one, which turns unhealthy; it stops probing the frozen one
// (moby: no health monitor while paused), which never does. Under the local driver freeze is an error naming pause.
constexpr const char* k_freeze_scenario = R"(name: freeze-vs-pause
timeout: 2m
services:
  broker: {image: redis}
  hung:
    image: celery-worker
    broker: broker
    healthcheck: &selfping
      test: ["CMD-SHELL", "celery -A probe inspect ping -d $CELERY_CHAOS_NODE --timeout 1"]
      interval: 1s
      timeout: 10s
      retries: 2
      start_period: 60s
  frozen:
    image: celery-worker
    broker: broker
    healthcheck: *selfping
steps:
  - wait: {ready: all, timeout: 90s}
  # both healthy by Docker's own state first: a probe failing in the start period does not count
  - exec:
      timeout: 90s
      command: |
        WAIT_HEALTHY
  - fault: {pause: hung}
  - fault: {freeze: frozen}
  - wait: 8s
checks:
  - name: the SIGSTOPped worker turns unhealthy
    health: {service: hung, state: unhealthy, within: 8s, after: fault}
  - name: the frozen worker never does (Docker does not probe a paused container)
    health: {service: frozen, never: unhealthy}
)";

TEST(DockerEngine, a_frozen_container_is_not_probed_while_a_paused_process_turns_unhealthy) {
  auto engine = harness::driver::docker::Engine::connect();
  ASSERT_TRUE(engine) << engine.error().message();
  test::TempDir dir;
  // Under docker the step polls Docker's own health of both containers (its client asking the harness's engine).
  const std::string docker_ps = "DOCKER_HOST=unix://" + engine->socket().string() + " /usr/bin/docker ps -q --filter "
                                "health=healthy --filter label=celery-chaos.instance=";
  const std::string poll = "for i in $(seq 240); do [ -n \"$(" + docker_ps + "hung.1)\" ] && [ -n \"$(" + docker_ps +
                           "frozen.1)\" ] && exit 0; sleep 0.25; done; exit 1";
  const auto with_wait = [](const std::string& command) {
    std::string text = k_freeze_scenario;
    text.replace(text.find("WAIT_HEALTHY"), std::string_view("WAIT_HEALTHY").size(), command);
    return text;
  };
  const auto file = dir.write("freeze-vs-pause.yaml", with_wait(poll));
  const auto docker = run_under("docker", file, dir.path() / "docker");
  EXPECT_EQ(docker.cli.exit_code, 0) << docker.cli.output;
  const auto history = docker.dir / "freeze-vs-pause" / "history.jsonl";
  EXPECT_EQ(engine_events(history, "frozen.1", "pause"), 1);  // Docker's own word for the freezer
  EXPECT_EQ(engine_events(history, "frozen.1", "unpause"), 1);
  EXPECT_EQ(engine_events(history, "hung.1", "pause"), 0);  // a SIGSTOP is nothing to Docker

  const auto local = run_under("local", dir.write("freeze-local.yaml", with_wait("true")), dir.path() / "local");
  EXPECT_NE(local.cli.exit_code, 0) << local.cli.output;
  EXPECT_NE(local.cli.output.find("freeze needs a container engine (--driver docker): under the local driver use "
                                  "pause"),
            std::string::npos)
      << local.cli.output;
}

}  // namespace
