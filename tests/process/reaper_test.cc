#include "harness/process/reaper.h"

#include <unistd.h>

#include "tests/process/process_test_util.h"
#include "harness/process/sweeper.h"

namespace {
using namespace process_test;
using harness::process::ChildProcess;
using harness::process::OwnerMark;
using harness::process::Reaper;

class ReaperTest : public ProcessTest {};

// A child made with a bare fork(), behind the Reaper's back, that exits at once with `code`. Waits until the
// Reaper has collected it (it is gone from /proc).
pid_t fork_and_exit(int code) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(code);
  EXPECT_TRUE(eventually([&] { return reaped(pid); }));
  return pid;
}

TEST_F(ReaperTest, reaps_an_orphaned_grandchild_as_subreaper) {
  const std::string run = "reaper-test-" + std::to_string(::getpid());
  OwnerMark::set_run_id(run);
  TempPath log("orphan");
  auto options = sh("sleep 30 & echo $!; exit 0");
  options.log_file = log.path();
  auto child = ChildProcess::spawn(options);
  OwnerMark::set_run_id("");
  ASSERT_TRUE(child.has_value()) << child.error().message();
  ASSERT_TRUE((*child)->wait_for(5s));
  const pid_t orphan = pid_from(log.path());
  ASSERT_GT(orphan, 0);
  // Its parent exited: it was re-parented to this process (the subreaper), not to init.
  EXPECT_EQ(harness::process::read_proc_stat(orphan)->ppid, ::getpid());
  const auto swept = harness::process::kill_run(run);
  EXPECT_EQ(swept.killed, std::vector<pid_t>{orphan});
  EXPECT_EQ(swept.runs, std::vector<std::string>{run});
  // Reaped by the Reaper: gone from /proc entirely, not a zombie.
  EXPECT_TRUE(eventually([&] { return reaped(orphan); }));
  EXPECT_EQ(Reaper::instance().status(orphan).value_or(harness::process::ExitStatus{}).signal, SIGKILL);
}

TEST_F(ReaperTest, keeps_the_status_of_a_child_that_exited_before_it_was_tracked) {
  Reaper& reaper = Reaper::instance();
  const auto before = reaper.exits_collected();
  const pid_t pid = fork_and_exit(7);
  const auto ticket = reaper.track(pid, before);
  ASSERT_TRUE(reaper.status(ticket).has_value());
  EXPECT_EQ(reaper.status(ticket)->code, 7);
  reaper.forget(ticket);
}

TEST_F(ReaperTest, ignores_a_status_left_by_an_earlier_process_with_the_same_pid) {
  Reaper& reaper = Reaper::instance();
  const pid_t pid = fork_and_exit(5);
  // As if a new child had just been forked and got the same pid: its fork came after that status.
  const auto ticket = reaper.track(pid, reaper.exits_collected());
  EXPECT_FALSE(reaper.status(ticket).has_value());
  EXPECT_FALSE(reaper.wait_for(ticket, 1ms).has_value());
  reaper.forget(ticket);
}

TEST_F(ReaperTest, a_ticket_keeps_its_status_when_its_pid_is_tracked_again) {
  Reaper& reaper = Reaper::instance();
  const auto before = reaper.exits_collected();
  const pid_t pid = fork_and_exit(3);
  const auto first = reaper.track(pid, before);
  const auto second = reaper.track(pid, reaper.exits_collected());  // the pid, reused by a newer child
  EXPECT_EQ(reaper.status(first).value_or(harness::process::ExitStatus{}).code, 3);
  EXPECT_FALSE(reaper.status(second).has_value());
  EXPECT_FALSE(reaper.status(pid).has_value()) << "by pid: the newest tracking";
  reaper.forget(first);  // does not drop the newer tracking
  EXPECT_FALSE(reaper.status(pid).has_value());
  reaper.forget(second);
}

TEST_F(ReaperTest, wait_for_gives_up_after_its_timeout_for_a_running_child) {
  auto child = ChildProcess::spawn(sh("sleep 30"));
  ASSERT_TRUE(child.has_value());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE((*child)->wait_for(20ms).has_value());
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 20ms);
  EXPECT_LT(took, 500ms);
}

}  // namespace
