// Task delivery under faults, on the real services: the load generator, the ledger and the delivery check give the
// verdicts Celery's documentation predicts, and the check fails on runs where tasks really are lost.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "harness/process/ports.h"
#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;

struct ScenarioRun {
  test::CliResult result;
  test::fs::path dir;  // the scenario's report folder
  std::string junit;
  nlohmann::json delivery;
};

// Runs `file` (a scenario of scenarios/, or one written to `reports`), returns what it left.
ScenarioRun run_scenario(const test::fs::path& file, const std::string& name, const test::TempDir& reports) {
  ScenarioRun run;
  run.result = test::run_cli({"run", file.string(), "--report-dir", reports.path().string()});
  const auto latest = test::latest_run(reports.path());
  run.dir = latest / name;
  run.junit = test::read_file(latest / "junit.xml");
  run.delivery = nlohmann::json::parse(test::read_file(run.dir / "delivery.json"), nullptr, false);
  for (int port : test::ports_of_run(run.dir))
    EXPECT_FALSE(harness::process::is_listening(static_cast<std::uint16_t>(port))) << "port " << port << " still open";
  return run;
}

test::fs::path shipped(const std::string& name) { return test::source_dir() / "scenarios" / (name + ".yaml"); }

// The scenario text of `name` with its checks replaced by `checks`.
std::string with_checks(const std::string& name, const std::string& checks) {
  std::string text = test::read_file(shipped(name));
  return text.substr(0, text.find("\nchecks:\n")) + "\nchecks:\n" + checks;
}

std::size_t count_lines(const test::fs::path& path, const std::string& needle) {
  std::size_t n = 0;
  std::istringstream in(test::read_file(path));
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

TEST(Delivery, acks_late_loses_nothing_when_a_pod_is_killed_mid_load) {
  REQUIRE_SERVICES();
  test::TempDir reports;
  const ScenarioRun run = run_scenario(shipped("delivery-kill-worker-acks-late"), "delivery-kill-worker-acks-late", reports);
  EXPECT_EQ(run.result.exit_code, 0) << run.result.output;
  // Every publish is an event, every execution a ledger line.
  EXPECT_EQ(count_lines(run.dir / "history.jsonl", "\"type\":\"load.publish\""), 60u);
  EXPECT_EQ(run.delivery["counts"]["lost"], 0);
  EXPECT_EQ(run.delivery["counts"]["accepted"], 60);
  // The killed pod was mid-task: RabbitMQ redelivered what it held.
  EXPECT_GE(count_lines(run.dir / "ledger.jsonl", "\"redelivered\":true"), 1u);
}

TEST(Delivery, early_acks_lose_the_killed_pods_tasks_and_a_lost_zero_check_fails) {
  REQUIRE_SERVICES();
  test::TempDir reports;
  const auto file = reports.write("early.yaml", with_checks("delivery-kill-worker-acks-early",
                                                            "  - name: known to lose\n    delivery: {lost: \">0\"}\n"
                                                            "  - name: loses nothing\n    delivery: {lost: 0}\n"));
  const ScenarioRun run = run_scenario(file, "delivery-kill-worker-acks-early", reports);
  EXPECT_EQ(run.result.exit_code, 1) << run.result.output;
  const int lost = run.delivery["counts"]["lost"].get<int>();
  EXPECT_GE(lost, 1);
  EXPECT_LE(lost, 2);  // the killed pod's two slots
  EXPECT_THAT(run.junit, HasSubstr("lost " + std::to_string(lost) + " of 60 accepted tasks (expected at most 0)"));
  // Only "loses nothing" failed; "known to lose" passed.
  std::size_t failures = 0;
  for (std::size_t at = run.junit.find("<failure"); at != std::string::npos; at = run.junit.find("<failure", at + 1))
    ++failures;
  EXPECT_EQ(failures, 1u) << run.junit;
}

TEST(Delivery, pool_child_kill_loses_tasks_unless_reject_on_worker_lost) {
  REQUIRE_SERVICES();
  test::TempDir reports;
  // Off: the lost process's tasks are acked as failed; the check of the fixed configuration fails on it.
  const auto off = reports.write("off.yaml", with_checks("delivery-kill-pool-child-reject-off",
                                                         "  - delivery: {lost: 0}\n"
                                                         "  - log: {service: worker, contains: WorkerLostError}\n"));
  const ScenarioRun broken = run_scenario(off, "delivery-kill-pool-child-reject-off", reports);
  EXPECT_EQ(broken.result.exit_code, 1) << broken.result.output;
  EXPECT_GE(broken.delivery["counts"]["lost"].get<int>(), 1);
  EXPECT_THAT(broken.junit, HasSubstr("of 30 accepted tasks (expected at most 0)"));
  // On: requeued and run again.
  const ScenarioRun fixed = run_scenario(shipped("delivery-kill-pool-child-reject-on"), "delivery-kill-pool-child-reject-on",
                                 reports);
  EXPECT_EQ(fixed.result.exit_code, 0) << fixed.result.output;
  EXPECT_EQ(fixed.delivery["counts"]["lost"], 0);
  EXPECT_GE(count_lines(fixed.dir / "ledger.jsonl", "\"redelivered\":true"), 1u);
}

// The checker can fail on a real run: the harness itself purges the queue mid-load, and the purged tasks are
// reported lost, by the drained wait (a failed step) and by the delivery check.
TEST(Delivery, tasks_purged_from_the_queue_are_reported_lost) {
  REQUIRE_SERVICES();
  test::TempDir reports;
  const auto file = reports.write("purge.yaml", R"(name: purge
timeout: 2m
services:
  broker: {image: rabbitmq}
  worker:
    image: celery-worker
    broker: broker
    concurrency: 1
    config: {worker_prefetch_multiplier: 1}
steps:
  - wait: {ready: all, timeout: 90s}
  - fault: {pause: worker}
    for: 8s
  - load: {count: 20}
  - wait: 3s
  - exec: {service: worker, command: "celery -A probe purge -f", expect_exit: 0}
  - wait: {drained: true, timeout: 10s, fail_on_timeout: false}   # known to lose tasks: judge the check
checks:
  - delivery: {lost: 0}
)");
  const ScenarioRun run = run_scenario(file, "purge", reports);
  EXPECT_EQ(run.result.exit_code, 1) << run.result.output;
  ASSERT_TRUE(run.delivery.is_object()) << "no delivery.json: the delivery check was not judged\n" << run.result.output;
  const int lost = run.delivery["counts"]["lost"].get<int>();
  EXPECT_GE(lost, 15) << run.delivery.dump();  // all but what the paused worker had reserved
  EXPECT_THAT(test::read_file(run.dir / "history.jsonl"), HasSubstr("accepted tasks not executed after 10 s"));
  EXPECT_THAT(run.junit, HasSubstr("lost " + std::to_string(lost) + " of 20 accepted tasks (expected at most 0)"));
  EXPECT_EQ(run.delivery["lost"].size(), static_cast<std::size_t>(lost));
}

TEST(Delivery, redis_redelivers_a_killed_workers_tasks_only_after_the_visibility_timeout) {
  REQUIRE_SERVICES();
  test::TempDir reports;
  const ScenarioRun run = run_scenario(shipped("delivery-redis-visibility-timeout"), "delivery-redis-visibility-timeout",
                               reports);
  EXPECT_EQ(run.result.exit_code, 0) << run.result.output;
  EXPECT_EQ(run.delivery["counts"]["lost"], 0);
  EXPECT_GT(run.delivery["latency_ms"]["max"].get<double>(), 5000.0);
}

}  // namespace

// apply_async's options reach Celery: a countdown holds each task back (publish-to-start latency over it), and a
// task whose `expires` comes before its countdown is revoked by the worker, never run: reported lost.
TEST(Delivery, countdown_delays_tasks_and_expired_ones_are_revoked_unrun) {
  REQUIRE_SERVICES();
  test::TempDir reports;
  const auto file = reports.write("publish-options.yaml", R"(name: publish-options
timeout: 2m
services:
  queue: {image: redis}
  worker: {image: celery-worker, broker: queue, concurrency: 2}
steps:
  - wait: {ready: all, timeout: 90s}
  - name: later
    load: {count: 5, publish: {countdown: 2s, priority: 3, headers: {tenant: a}}}
  - name: expired
    load: {count: 5, publish: {countdown: 3s, expires: 1s}}
  - wait: {drained: true, timeout: 20s, fail_on_timeout: false}
checks:
  - delivery: {load: later, lost: 0}
  - delivery: {load: expired, lost: 0}
)");
  const ScenarioRun run = run_scenario(file, "publish-options", reports);
  EXPECT_EQ(run.result.exit_code, 1) << run.result.output;
  EXPECT_THAT(run.junit, HasSubstr("lost 5 of 5 accepted tasks (expected at most 0)")) << run.junit;
  // Only the expired load's check failed; the delayed tasks ran, none before its countdown.
  EXPECT_EQ(run.junit.find("<failure"), run.junit.rfind("<failure")) << run.junit;
  ASSERT_TRUE(run.delivery.is_object()) << run.result.output;  // the first check's: the delayed load
  EXPECT_EQ(run.delivery["counts"]["lost"], 0);
  EXPECT_GE(run.delivery["latency_ms"]["p50"].get<double>(), 2000.0) << run.delivery.dump();
  EXPECT_THAT(test::read_file(run.dir / "logs" / "worker.1.log"), HasSubstr("revoked"));
}

namespace {
// A load the harness stops while it still publishes (here: at the end of the steps) first writes every thread's
// Python stack to its log (SIGUSR1, load.py's faulthandler): where a publish that never returns hangs
// (redis-sentinel-failover on redis-py >= 5.3). {{run.logs}} reaches the log from a check; a load that ended by
// itself leaves no stack.
TEST(Delivery, a_load_stopped_while_publishing_leaves_its_stacks_in_its_log) {
  REQUIRE_SERVICES();
  test::TempDir reports;
  const auto file = reports.write("stopped.yaml", R"(name: stopped
services:
  broker: {image: rabbitmq}
  worker: {image: celery-worker, broker: broker}
steps:
  - wait: {ready: all, timeout: 90s}
  - name: done
    load: {task: probe.record, count: 2}
  - name: endless
    load: {task: probe.record, duration: 10m, rate: 2/s}
  - wait: {executed: 4, timeout: 60s}
checks:
  - name: the stopped load's stack is in its log
    exec: {command: "grep -q 'in main' {{run.logs}}/endless.log"}
  - name: the load that ended has none
    exec: {command: "grep -q 'in main' {{run.logs}}/done.log", exit_code: 1}
)");
  const auto result = test::run_cli({"run", file.string(), "--report-dir", reports.path().string()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const auto log = test::read_file(test::latest_run(reports.path()) / "stopped" / "logs" / "endless.log");
  EXPECT_THAT(log, HasSubstr("load.py"));
}
}  // namespace
