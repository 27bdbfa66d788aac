// What one harness run may do to what others left or are running: the sweep (process/sweeper.h) kills and
// removes only what provably belongs to a dead harness of its own PID namespace; what a service leaves in its
// temporary folder goes with its run; a broker booted ahead is never left at a lower priority than asked.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "tests/integration/cli_harness.h"

namespace {
using test::fs::path;
using testing::HasSubstr;

// A one-Redis scenario whose last step holds the run until `flag` exists; its check fails if the Redis died.
std::string redis_until(const path& flag) {
  return R"(name: held
services:
  cache: {image: redis}
steps:
  - wait: {ready: [cache]}
  - exec: {command: "while [ ! -e )" + flag.string() + R"( ]; do sleep 0.05; done", timeout: 5m}
checks:
  - name: redis still answers PING
    exec: {command: "redis-cli -p {{cache.port}} -a {{cache.password}} --no-auth-warning ping", output_contains: PONG}
)";
}

const char* k_quick = R"(name: quick
services:
  cache: {image: redis}
checks:
  - name: redis answers PING
    exec: {command: "redis-cli -p {{cache.port}} -a {{cache.password}} --no-auth-warning ping", output_contains: PONG}
)";

// A harness started in the background: `prefix` (e.g. unshare) runs the binary, with a private work folder.
std::unique_ptr<harness::process::ChildProcess> start_harness(const std::vector<std::string>& prefix,
                                                             const std::vector<std::string>& args, const path& work,
                                                             const path& log) {
  harness::process::SpawnOptions options;
  options.argv = prefix;
  options.argv.push_back(CELERY_CHAOS_BINARY);
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.environment["CELERY_CHAOS_WORK_DIR"] = work.string();
  options.log_file = log;
  auto harness = harness::process::ChildProcess::spawn(options);
  if (!harness) {
    ADD_FAILURE() << harness.error().message();
    return nullptr;
  }
  return std::move(harness.value());
}

// The binary run to completion with `environment` added.
test::CliResult run_with(const std::vector<std::string>& args, const std::map<std::string, std::string>& environment) {
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.environment = environment;
  const auto result = harness::process::run_command(options, std::chrono::seconds{300});
  return {result.status ? result.status->code : -1, result.output};
}

bool says(const path& log, const std::string& text) { return test::read_file(log).find(text) != std::string::npos; }

std::set<path> run_folders(const path& work) {
  std::set<path> folders;
  std::error_code ec;
  for (const auto& entry : test::fs::directory_iterator(work / "runs", ec)) folders.insert(entry.path());
  return folders;
}

// Why this machine cannot make a PID namespace, or "" when it can.
std::string why_no_pid_namespace() {
  if (::geteuid() != 0) return "creating a PID namespace (unshare --pid) needs root";
  if (!test::have("/usr/bin/unshare")) return "unshare (util-linux) is not installed";
  harness::process::SpawnOptions options;
  options.argv = {"unshare", "--pid", "--fork", "--mount-proc", "true"};
  const auto result = harness::process::run_command(options, std::chrono::seconds{30});
  if (!result.succeeded()) return "unshare --pid --fork --mount-proc fails here: " + result.output;
  return {};
}

// A harness in a container sees its own pids: it is pid 1 in its namespace, and its services' marks say so.
// A harness on the host reading those marks with its own /proc must not take pid 1 (init) for them.
TEST(NamespaceSweep, two_harnesses_in_different_pid_namespaces_both_pass) {
  REQUIRE_SERVICES();
  if (const std::string why = why_no_pid_namespace(); !why.empty()) GTEST_SKIP() << why;
  test::TempDir dir;
  const path work = dir.path() / "work";
  const path flag = dir.path() / "host-run-done";
  const auto held = dir.write("held.yaml", redis_until(flag));
  const path log = dir.path() / "inside.log";
  auto inside = start_harness({"unshare", "--pid", "--fork", "--mount-proc"},
                              {"run", held.string(), "--report-dir", (dir.path() / "reports-inside").string()}, work,
                              log);
  ASSERT_TRUE(inside);
  ASSERT_TRUE(test::eventually([&] { return says(log, "all ready"); }, std::chrono::seconds{120})) << test::read_file(log);
  const auto inside_folders = run_folders(work);
  ASSERT_EQ(inside_folders.size(), 1u);

  const auto quick = dir.write("quick.yaml", k_quick);
  const auto host = run_with({"-v", "run", quick.string(), "--report-dir", (dir.path() / "reports-host").string()},
                             {{"CELERY_CHAOS_WORK_DIR", work.string()}});
  EXPECT_EQ(host.exit_code, 0) << host.output;
  EXPECT_THAT(host.output, testing::Not(HasSubstr("leftover process")));
  EXPECT_THAT(host.output, HasSubstr("(redis-server): left alone, owner 1:"));
  EXPECT_THAT(host.output, HasSubstr("not provably dead: another PID namespace (pid:["));
  EXPECT_TRUE(test::fs::exists(*inside_folders.begin())) << "the host's sweep removed the other namespace's run folder";

  std::ofstream{flag};
  const auto status = inside->wait_for(std::chrono::seconds{120});
  ASSERT_TRUE(status.has_value()) << test::read_file(log);
  EXPECT_EQ(status->code, 0) << test::read_file(log);
  EXPECT_TRUE(run_folders(work).empty());
}

// A SIGKILLed harness cannot remove its run folder (41 MB after a smoke run): the next run's sweep does, and
// leaves alone the folder of a harness still running.
TEST(NamespaceSweep, the_run_folder_of_a_killed_harness_is_removed_by_the_next_run) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const path work = dir.path() / "work";
  const path flag = dir.path() / "release";
  const auto held = dir.write("held.yaml", redis_until(flag));
  const auto start = [&](const std::string& name) {
    auto harness = start_harness({}, {"run", held.string(), "--report-dir", (dir.path() / name).string()}, work,
                                 dir.path() / (name + ".log"));
    EXPECT_TRUE(test::eventually([&] { return says(dir.path() / (name + ".log"), "all ready"); },
                                 std::chrono::seconds{120}))
        << test::read_file(dir.path() / (name + ".log"));
    return harness;
  };
  auto killed = start("killed");
  ASSERT_TRUE(killed);
  const auto killed_folders = run_folders(work);
  ASSERT_EQ(killed_folders.size(), 1u);
  auto live = start("live");  // before the kill: its own start-up sweep would clean up first
  ASSERT_TRUE(live);
  auto live_folders = run_folders(work);
  live_folders.erase(*killed_folders.begin());
  ASSERT_EQ(live_folders.size(), 1u);
  killed->signal(SIGKILL);  // the harness only: its services and its folder stay behind
  ASSERT_TRUE(killed->wait_for(std::chrono::seconds{10}).has_value());
  ASSERT_FALSE(test::processes_owned_by(killed->pid()).empty());

  const auto quick = dir.write("quick.yaml", k_quick);
  const auto next = run_with({"-v", "run", quick.string(), "--report-dir", (dir.path() / "reports-next").string()},
                             {{"CELERY_CHAOS_WORK_DIR", work.string()}});
  EXPECT_EQ(next.exit_code, 0) << next.output;
  EXPECT_THAT(next.output, HasSubstr("removed 1 run folder(s) of an earlier harness that died"));
  EXPECT_FALSE(test::fs::exists(*killed_folders.begin()));
  EXPECT_TRUE(test::fs::exists(*live_folders.begin()));
  EXPECT_TRUE(test::eventually([&] { return test::processes_owned_by(killed->pid()).empty(); }, std::chrono::seconds{5}));

  std::ofstream{flag};
  const auto status = live->wait_for(std::chrono::seconds{120});
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->code, 0) << test::read_file(dir.path() / "live.log");
}

// Root in a container usually lacks CAP_SYS_NICE: it may nice the early broker to 19 but not back to 0.
TEST(NamespaceSweep, without_cap_sys_nice_the_next_scenarios_broker_runs_at_normal_priority) {
  REQUIRE_SERVICES();
  if (::geteuid() != 0) GTEST_SKIP() << "dropping CAP_SYS_NICE from root needs root";
  harness::process::SpawnOptions probe;
  probe.argv = {"setpriv", "--inh-caps=-sys_nice", "--bounding-set=-sys_nice", "true"};
  if (const auto r = harness::process::run_command(probe, std::chrono::seconds{30}); !r.succeeded()) {
    GTEST_SKIP() << "setpriv cannot drop CAP_SYS_NICE here: " << r.output;
  }
  test::TempDir dir;
  const auto first = dir.write("1-first.yaml", "name: first\nservices:\n  cache: {image: redis}\nsteps:\n  - wait: 4s\n");
  const auto second = dir.write("2-second.yaml", test::k_broker_at_nice_0_scenario);
  harness::process::SpawnOptions options;
  options.argv = {"setpriv", "--inh-caps=-sys_nice", "--bounding-set=-sys_nice", CELERY_CHAOS_BINARY, "run",
                  first.string(), second.string(), "--report-dir", (dir.path() / "reports").string()};
  const auto result = harness::process::run_command(options, std::chrono::seconds{300});
  EXPECT_TRUE(result.succeeded()) << result.output;
  nlohmann::json prestarted;
  std::istringstream history(test::read_file(test::latest_run(dir.path() / "reports") / "second" / "history.jsonl"));
  for (std::string line; std::getline(history, line);) {
    const auto event = nlohmann::json::parse(line);
    if (event["type"] == "service.prestarted") prestarted = event;
  }
  ASSERT_FALSE(prestarted.is_null()) << "no service.prestarted in the second scenario's history";
  // Never niced, or niced and restored.
  EXPECT_TRUE(prestarted["data"]["niced"] == false || prestarted["data"]["restored"] == true) << prestarted.dump();
}

// Billiard (Celery's multiprocessing) keeps pymp-* folders in TMPDIR; a killed worker never removes them.
TEST(NamespaceSweep, what_a_killed_worker_leaves_in_its_temporary_folder_goes_with_the_run) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const path machine_tmp = dir.path() / "machine-tmp";  // the machine's temp folder, as the harness sees it
  const path work = dir.path() / "work";
  test::fs::create_directories(machine_tmp);
  const auto file = dir.write("killed-worker.yaml", R"(name: killed-worker
services:
  broker: {image: redis}
  worker: {image: celery-worker, broker: broker}
steps:
  - wait: {ready: all}
  - fault: {kill: {service: worker, replica: 1, target: group, signal: KILL}}
checks:
  - name: processes of the run get its temporary folder and the harness's work folder
    exec: {command: "case \"$TMPDIR:$TEMP:$TMP\" in {{run.dir}}/tmp:{{run.dir}}/tmp:{{run.dir}}/tmp) ;; *) exit 1;; esac; test \"$CELERY_CHAOS_WORK_DIR\" = )" + work.string() + R"("}
)");
  const auto result = run_with({"run", file.string(), "--keep", "--report-dir", (dir.path() / "reports").string()},
                               {{"TMPDIR", machine_tmp.string()}, {"CELERY_CHAOS_WORK_DIR", work.string()}});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  std::vector<std::string> in_run_tmp;
  for (const auto& run : run_folders(work)) {
    std::error_code ec;
    for (const auto& entry : test::fs::directory_iterator(run / "tmp", ec)) {
      in_run_tmp.push_back(entry.path().filename().string());
    }
  }
  // The worker did leave its folder (or this test proves nothing), in the run's folder and not the machine's.
  EXPECT_THAT(in_run_tmp, testing::Contains(testing::StartsWith("pymp-")));
  EXPECT_TRUE(test::fs::is_empty(machine_tmp)) << "left in the machine's temp folder: "
                                               << test::fs::directory_iterator(machine_tmp)->path();
}

}  // namespace
