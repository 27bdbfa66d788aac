#include "harness/driver/local/celery_worker_service.h"

#include <gtest/gtest.h>

namespace harness::driver::local {
namespace {

scenario::Service worker(std::optional<std::string> command, std::string app = "probe") {
  scenario::Service spec;
  spec.name = "worker";
  spec.kind = scenario::ServiceKind::k_celery_worker;
  spec.command = std::move(command);
  spec.app = std::move(app);
  return spec;
}

TEST(CeleryWorkerCommand, the_fixture_apps_default_command_is_unchanged) {
  EXPECT_EQ(worker_command(worker(std::nullopt), "worker-1@cc-r1"),
            "celery -A probe worker -n worker-1@cc-r1 --concurrency 2 --loglevel INFO --without-gossip "
            "--without-mingle");
}

TEST(CeleryWorkerCommand, a_pool_is_passed_to_the_default_command) {
  auto spec = worker(std::nullopt);
  spec.pool = "solo";
  EXPECT_EQ(worker_command(spec, "worker-1@cc-r1"),
            "celery -A probe worker -n worker-1@cc-r1 --concurrency 2 --pool solo --loglevel INFO --without-gossip "
            "--without-mingle");
}

TEST(CeleryWorkerCommand, queues_are_the_default_commands_queue_option) {
  auto spec = worker(std::nullopt);
  spec.queues = {"orders", "celery"};
  EXPECT_EQ(worker_command(spec, "worker-1@cc-r1"),
            "celery -A probe worker -n worker-1@cc-r1 --concurrency 2 -Q orders,celery --loglevel INFO "
            "--without-gossip --without-mingle");
}

TEST(CeleryWorkerCommand, another_apps_default_command_includes_the_probe_module) {
  EXPECT_EQ(worker_command(worker(std::nullopt, "teamapp"), "worker-1@cc-r1"),
            "celery -A teamapp worker -n worker-1@cc-r1 --concurrency 2 --loglevel INFO --without-gossip "
            "--without-mingle --include celery_chaos_probe");
}

TEST(CeleryWorkerCommand, a_worker_command_gets_its_node_and_the_probe_module) {
  EXPECT_EQ(worker_command(worker("celery -A teamapp worker --loglevel INFO"), "worker-1@cc-r1"),
            "celery -A teamapp worker --loglevel INFO -n worker-1@cc-r1 --include celery_chaos_probe");
}

TEST(CeleryWorkerCommand, the_probe_module_joins_the_commands_own_include_list) {
  // Celery keeps only the last of several --include options: a second one would drop the team's modules.
  EXPECT_EQ(worker_command(worker("celery -A teamapp worker -I teamapp.extra -n x@y"), "worker-1@cc-r1"),
            "celery -A teamapp worker -I teamapp.extra,celery_chaos_probe -n x@y");
  EXPECT_EQ(worker_command(worker("celery -A teamapp worker --include=a,b --loglevel INFO"), "n@h"),
            "celery -A teamapp worker --include=a,b,celery_chaos_probe --loglevel INFO -n n@h");
  EXPECT_EQ(worker_command(worker("celery -A teamapp worker --include celery_chaos_probe -n x@y"), "n@h"),
            "celery -A teamapp worker --include celery_chaos_probe -n x@y");
}

TEST(CeleryWorkerCommand, a_command_that_runs_no_worker_is_left_as_written) {
  EXPECT_EQ(worker_command(worker("python3 -m http.server"), "n@h"), "python3 -m http.server");
}

TEST(CeleryWorkerCommand, the_probe_module_is_on_the_python_path_after_the_scenarios_own) {
  EXPECT_EQ(python_path_with_probe({}, "/src/fixtures/celery"), "/src/fixtures/celery");
  EXPECT_EQ(python_path_with_probe({{"PYTHONPATH", "/srv/team"}}, "/src/fixtures/celery"),
            "/srv/team:/src/fixtures/celery");
}

}  // namespace
}  // namespace harness::driver::local
