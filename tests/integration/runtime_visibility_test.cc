// What a run shows while it goes on, on the real services: a command run in a service gets that service's
// environment and tools (as `docker exec`), a service that dies is printed as it happens and a command aimed at it
// fails at once, a boot that never gets ready names what it waits for, and every fault records its end.
#include <gmock/gmock.h>

#include <filesystem>

#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;

std::vector<harness::history::Event> events(const test::fs::path& scenario_dir, const std::string& type) {
  std::vector<harness::history::Event> out;
  auto all = harness::history::read_history(scenario_dir / "history.jsonl");
  EXPECT_TRUE(all.has_value()) << all.error().message();
  if (!all) return out;
  for (auto& e : *all)
    if (e.type == type) out.push_back(e);
  return out;
}

// `python:` is a wrapper that marks its processes: only the scenario's interpreter prints "wrapped".
const std::string k_exec_in_services = R"(name: exec-in-services
timeout: 3m
python: PYTHON_WRAPPER
services:
  broker: {image: rabbitmq}
  results: {image: redis}
  db: {image: postgres, database: app}
  worker: {image: celery-worker, broker: broker, backend: results}
steps:
  - wait: {ready: all, timeout: 90s}
  - fault: {close-connections: {broker: broker}}
checks:
  - name: rabbitmqctl reaches the broker's own node
    exec: {service: broker, command: "rabbitmqctl eval 'node().' | grep -F '{{broker.node}}'"}
  - name: redis-cli reaches the redis with its password
    exec: {service: results, command: "test \"$REDIS_PORT\" = {{results.port}} && redis-cli ping", output_contains: PONG}
  - name: psql reaches the database as its role
    exec: {service: db, command: "pg_isready -q && psql -tAc 'select current_database(), current_user'", output_contains: "app|"}
  - name: python3 and python are the scenario's interpreter
    exec: {service: worker, command: "python3 -c 'import os; print(os.environ[\"VIA\"])' && python -c 'import os; print(os.environ[\"VIA\"])'", output_contains: "wrapped\nwrapped"}
)";

TEST(RuntimeVisibility, exec_in_a_service_gets_its_environment_and_tools_first_on_path) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto wrapper = dir.write("python-wrapper", "#!/bin/sh\nexport VIA=wrapped\nexec /usr/bin/python3 \"$@\"\n");
  test::fs::permissions(wrapper, test::fs::perms::owner_all | test::fs::perms::others_read |
                                     test::fs::perms::others_exec | test::fs::perms::group_read |
                                     test::fs::perms::group_exec);
  std::string text = k_exec_in_services;
  text.replace(text.find("PYTHON_WRAPPER"), 14, wrapper.string());
  const auto file = dir.write("exec-in-services.yaml", text);
  const auto run = test::run_scenarios({file.string()}, dir.path() / "r");
  EXPECT_EQ(run.cli.exit_code, 0) << run.cli.output;
  EXPECT_THAT(run.junit, HasSubstr("name=\"exec-in-services\" tests=\"4\" failures=\"0\" errors=\"0\""));

  // close-connections has no inverse: its end is recorded right after its start.
  const auto start = events(run.dir / "exec-in-services", "fault.start");
  const auto end = events(run.dir / "exec-in-services", "fault.end");
  ASSERT_EQ(start.size(), 1u);
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(end[0].data["kind"], "close-connections");
  EXPECT_TRUE(end[0].data["instant"].get<bool>());
}

// The worker is SIGKILLed and the next step or check aims a command at it at once: the kill returns once the harness
// sees the worker gone, so the command finds no instance (without that wait it ran, in the not yet reaped worker).
std::string worker_dies(const std::string& name, const std::string& last) {
  return "name: " + name + R"(
timeout: 2m
services:
  cache: {image: redis}
  worker: {image: celery-worker, broker: cache, backend: cache}
steps:
  - wait: {ready: all, timeout: 60s}
  - fault: {kill: {service: worker}}
)" + last;
}

TEST(RuntimeVisibility, a_service_that_dies_is_printed_and_a_command_aimed_at_it_fails_at_once) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto as_check = dir.write("as-check.yaml", worker_dies("dead-worker-check", R"(checks:
  - name: a command in the dead worker
    exec: {service: worker, command: "sleep 55"}
)"));
  const auto as_step = dir.write("as-step.yaml", worker_dies("dead-worker-step", R"(
  - name: a command in the dead worker
    exec: {service: worker, command: "sleep 55"}
)"));
  const auto run = test::run_scenarios({as_check.string(), as_step.string()}, dir.path() / "r");
  EXPECT_EQ(run.cli.exit_code, 1) << run.cli.output;
  const std::string& out = run.cli.output;
  // Printed as it happens, once per scenario.
  const std::string exited = "\n  service worker.1 exited (killed by SIGKILL) at ";
  ASSERT_NE(out.find(exited), std::string::npos) << out;
  EXPECT_NE(out.find(exited, out.find(exited) + 1), std::string::npos) << out;
  const std::string why = "service 'worker' has no running instance (worker.1 exited (killed by SIGKILL) at ";
  EXPECT_THAT(out, HasSubstr("  FAIL  a command in the dead worker\n        expected exit code 0; " + why)) << out;
  EXPECT_THAT(out, testing::ContainsRegex("  FAIL  step 3 a command in the dead worker \\(exec, line [0-9]+\\): "
                                         "service 'worker' has no running instance")) << out;

  for (const std::string name : {"dead-worker-check", "dead-worker-step"}) {
    const auto results = events(run.dir / name, "exec.result");
    ASSERT_FALSE(results.empty()) << name;
    EXPECT_THAT(results.back().data.value("no_instance", std::string{}), HasSubstr(why)) << name;
    EXPECT_FALSE(results.back().data.contains("exit_code")) << "the command was not run: " << name;
    // A kill has no inverse: its end is recorded right after its start.
    const auto end = events(run.dir / name, "fault.end");
    ASSERT_EQ(end.size(), 1u) << name;
    EXPECT_EQ(end[0].data["kind"], "kill") << name;
  }
}

TEST(RuntimeVisibility, a_boot_that_never_gets_ready_names_what_it_waits_for) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("never-ready.yaml", R"(name: never-ready
timeout: 15s
services:
  cache: {image: redis}
  worker:
    image: celery-worker
    broker: cache
    command: "sh -c 'echo still-starting; exec sleep 300'"
steps:
  - wait: {ready: all, timeout: 10s}
)");
  const auto run = test::run_scenarios({file.string()}, dir.path() / "r");
  EXPECT_NE(run.cli.exit_code, 0) << run.cli.output;
  const std::string& out = run.cli.output;
  const std::string waiting = "service 'worker.1' (ready when 'ready.' in its log, then `celery inspect ping -d "
                              "worker-1@cc-";
  // At least every 10 s while the boot goes on.
  EXPECT_THAT(out, HasSubstr(" for 1 of 2 service(s):\n    " + waiting)) << out;
  EXPECT_THAT(out, HasSubstr("; last: no 'ready.' in its log yet)")) << out;
  // And the verdict (a scenario timeout is a failure): the instance, its condition and its log's tail.
  EXPECT_THAT(out, HasSubstr("FAIL  scenario timeout\n        scenario 'never-ready' exceeded its timeout of 15s "
                             "while booting\n")) << out;
  EXPECT_THAT(out, HasSubstr("service 'worker.1' not ready")) << out;
  EXPECT_THAT(out, HasSubstr("/worker.1.log ---\n        still-starting\n")) << out;
}

}  // namespace
