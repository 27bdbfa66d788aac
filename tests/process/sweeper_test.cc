#include "harness/process/sweeper.h"

#include <signal.h>

#include <algorithm>

#include "harness/process/child_process.h"
#include "harness/process/owner.h"
#include "tests/process/process_test_util.h"

namespace {
using namespace process_test;
using harness::process::ChildProcess;
using harness::process::Owner;
using harness::process::OwnerMark;
using harness::process::Place;

class SweeperTest : public ProcessTest {};

bool contains(const std::vector<pid_t>& pids, pid_t pid) { return std::find(pids.begin(), pids.end(), pid) != pids.end(); }

// Spawned, and past its exec: while a process execs, /proc/<pid>/environ reads empty for a moment.
std::unique_ptr<ChildProcess> spawn(harness::process::SpawnOptions options,
                                    std::optional<std::string> owner = std::nullopt) {
  options.owner_mark_for_tests = std::move(owner);
  auto child = ChildProcess::spawn(options);
  if (!child) {
    ADD_FAILURE() << child.error().message();
    return nullptr;
  }
  const pid_t pid = (*child)->pid();
  EXPECT_TRUE(eventually([&] { return !harness::process::read_proc_file(pid, "environ").empty(); }));
  return std::move(child.value());
}

harness::process::SpawnOptions sleep_30() {
  harness::process::SpawnOptions options;
  options.argv = {"sleep", "30"};
  return options;
}

// The owner mark of a harness that has exited: a short-lived process's pid and start time, once it is reaped.
// Past `env -i`: running sleep, with no environment at all.
bool sleeping_without_environment(pid_t pid) {
  std::error_code ec;
  return fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).filename() == "sleep" &&
         harness::process::read_proc_file(pid, "environ").empty();
}

// `place` defaults to this process's: a dead harness of this PID namespace and boot.
std::string dead_owner(std::optional<Place> place = std::nullopt) {
  auto short_lived = spawn(sleep_30());
  const auto stat = harness::process::read_proc_stat(short_lived->pid());
  const Owner owner{short_lived->pid(), stat->start_time, place.value_or(*harness::process::this_place())};
  short_lived.reset();  // SIGKILLed and reaped
  return owner.to_string();
}

// The old mark ("<pid>:<start time>") of a dead harness.
std::string dead_owner_old_mark() {
  const std::string owner = dead_owner();
  return owner.substr(0, owner.find(':', owner.find(':') + 1));
}

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(), [&](const auto& l) { return l.find(text) != std::string::npos; });
}

TEST_F(SweeperTest, kills_processes_of_a_dead_harness_and_leaves_live_ones_alone) {
  auto orphan = spawn(sleep_30(), dead_owner());
  // This very pid, but another start time: the owner's pid was reused by an unrelated process.
  auto reused = spawn(sleep_30(), Owner{::getpid(), 1, *harness::process::this_place()}.to_string());
  auto mine = spawn(sleep_30());
  ASSERT_TRUE(orphan && reused && mine);

  const auto report = harness::process::sweep_orphans();
  EXPECT_TRUE(contains(report.killed, orphan->pid()));
  EXPECT_TRUE(contains(report.killed, reused->pid()));
  EXPECT_FALSE(contains(report.killed, mine->pid()));
  EXPECT_EQ(orphan->wait_for(5s).value_or(harness::process::ExitStatus{}).signal, SIGKILL);
  EXPECT_EQ(reused->wait_for(5s).value_or(harness::process::ExitStatus{}).signal, SIGKILL);
  EXPECT_TRUE(mine->running());
}

// A harness in a container or under `unshare --pid` names its pid in its own namespace: here that pid is
// another process, or none. Only the namespace and boot in its mark tell it apart.
TEST_F(SweeperTest, leaves_processes_of_harnesses_in_other_namespaces_or_boots_alone) {
  const Place here = *harness::process::this_place();
  auto other_namespace = spawn(sleep_30(), dead_owner(Place{here.pid_namespace + 1, here.boot_id}));
  auto other_boot = spawn(sleep_30(), dead_owner(Place{here.pid_namespace, "00000000-1111-2222-3333-444444444444"}));
  auto old_mark = spawn(sleep_30(), dead_owner_old_mark());
  ASSERT_TRUE(other_namespace && other_boot && old_mark);

  const auto report = harness::process::sweep_orphans();
  for (const auto* child : {&other_namespace, &other_boot, &old_mark}) {
    EXPECT_FALSE(contains(report.killed, (*child)->pid()));
    EXPECT_TRUE((*child)->running());
  }
  EXPECT_TRUE(mentions(report.spared, "pid " + std::to_string(other_namespace->pid()) + " (sleep): left alone, owner "));
  EXPECT_TRUE(mentions(report.spared, "not provably dead: another PID namespace (pid:[" +
                                          std::to_string(here.pid_namespace + 1) + "])"));
  EXPECT_TRUE(mentions(report.spared, "not provably dead: another boot (00000000-1111-2222-3333-444444444444)"));
  EXPECT_TRUE(mentions(report.spared, "not provably dead: an old mark, without PID namespace and boot id"));
}

// Run folders carry their harness's owner record: only a provably dead owner's folder goes.
TEST_F(SweeperTest, removes_the_run_folders_of_dead_harnesses_only) {
  TempPath runs("runs");
  const auto folder = [&](const std::string& name, std::optional<std::string> owner) {
    fs::create_directories(runs.path() / name / "data");
    if (owner) harness::process::write_owner_record(runs.path() / name, owner);
    return runs.path() / name;
  };
  const Place here = *harness::process::this_place();
  const auto dead = folder("dead", dead_owner());
  const auto live = folder("live", std::nullopt);
  harness::process::write_owner_record(live);  // this very process: alive
  const auto other_namespace = folder("other-namespace", dead_owner(Place{here.pid_namespace + 1, here.boot_id}));
  const auto old_mark = folder("old-mark", dead_owner_old_mark());
  const auto unowned = folder("unowned", std::nullopt);  // being created, or kept with --keep

  const auto report = harness::process::sweep_orphans(runs.path());
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_EQ(report.removed, std::vector<fs::path>{dead});
  for (const auto& kept : {live, other_namespace, old_mark, unowned}) EXPECT_TRUE(fs::exists(kept / "data")) << kept;
  EXPECT_TRUE(mentions(report.spared, "folder " + other_namespace.string() + ": left alone, owner "));
  harness::process::remove_owner_record(live);
  EXPECT_FALSE(harness::process::read_owner_record(live).has_value());
}

TEST_F(SweeperTest, reports_the_runs_of_what_it_killed) {
  OwnerMark::set_run_id("sweep-runs-test");
  auto orphan = spawn(sleep_30(), dead_owner());
  OwnerMark::set_run_id("");
  ASSERT_TRUE(orphan);
  const auto report = harness::process::sweep_orphans();
  EXPECT_TRUE(contains(report.killed, orphan->pid()));
  EXPECT_NE(std::find(report.runs.begin(), report.runs.end(), "sweep-runs-test"), report.runs.end());
}

TEST_F(SweeperTest, kills_the_whole_group_of_an_orphan_that_leads_it) {
  TempPath pidfile("unmarked-member");
  // The member cleared its environment (env -i): it carries no mark, but it is in the orphan's group.
  auto orphan = spawn(sh("env -i sleep 30 & echo $! > " + pidfile.string() + "; wait"), dead_owner());
  ASSERT_TRUE(orphan);
  const pid_t member = pid_from(pidfile.path());
  ASSERT_TRUE(eventually([&] { return sleeping_without_environment(member); }));
  harness::process::sweep_orphans();
  EXPECT_TRUE(eventually([&] { return reaped(member); }));
}

TEST_F(SweeperTest, never_touches_a_process_without_a_mark) {
  TempPath pidfile("unmarked");
  // In its own session and group, with an empty environment: nothing ties it to a harness.
  auto orphan = spawn(sh("setsid env -i sleep 30 & echo $! > " + pidfile.string() + "; wait"), dead_owner());
  ASSERT_TRUE(orphan);
  const pid_t unmarked = pid_from(pidfile.path());
  ASSERT_TRUE(eventually([&] { return sleeping_without_environment(unmarked); }));
  const auto report = harness::process::sweep_orphans();
  EXPECT_TRUE(contains(report.killed, orphan->pid()));
  EXPECT_FALSE(contains(report.killed, unmarked));
  EXPECT_TRUE(alive(unmarked));
  ::kill(unmarked, SIGKILL);  // the test's own cleanup; the Reaper reaps it
}

TEST_F(SweeperTest, kill_run_kills_every_process_of_the_run_and_spares_other_runs) {
  OwnerMark::set_run_id("kill-run-a");
  auto a1 = spawn(sleep_30());
  auto a2 = spawn(sh("sleep 30; true"));
  OwnerMark::set_run_id("kill-run-b");
  auto b = spawn(sleep_30());
  OwnerMark::set_run_id("");
  ASSERT_TRUE(a1 && a2 && b);
  const auto report = harness::process::kill_run("kill-run-a");
  EXPECT_TRUE(contains(report.killed, a1->pid()));
  EXPECT_TRUE(contains(report.killed, a2->pid()));
  EXPECT_FALSE(contains(report.killed, b->pid()));
  EXPECT_EQ(report.runs, std::vector<std::string>{"kill-run-a"});
  EXPECT_TRUE(a1->wait_for(5s) && a2->wait_for(5s));
  EXPECT_TRUE(b->running());
  EXPECT_TRUE(harness::process::kill_run("").killed.empty());
}

TEST_F(SweeperTest, kill_run_catches_processes_forked_mid_sweep) {
  const std::string run = "kill-run-forks-" + std::to_string(::getpid());
  OwnerMark::set_run_id(run);
  // Keeps starting processes in new groups (setsid), so killing the loop's group does not take them along.
  TempPath log("forker");
  auto options = sh("while :; do setsid sleep 30 & echo started; sleep 0.001; done");
  options.log_file = log.path();
  auto forker = spawn(options);
  OwnerMark::set_run_id("");
  ASSERT_TRUE(forker);
  ASSERT_TRUE(eventually([&] { return read_file(log.path()).size() > 40; }));  // a few are running
  const auto report = harness::process::kill_run(run);
  EXPECT_GT(report.killed.size(), 1u);
  // Nothing of the run is alive any more.
  EXPECT_TRUE(harness::process::kill_run(run).killed.empty());
}

}  // namespace
