#include "harness/process/child_process.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness/process/cancellation.h"
#include "harness/process/ports.h"
#include "harness/process/sweeper.h"

namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using harness::process::ChildProcess;
using harness::process::run_command;
using harness::process::shell;
using harness::process::SpawnOptions;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool alive(pid_t pid) {
  const std::string stat = read("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close != std::string::npos && stat[close + 2] != 'Z';
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

SpawnOptions sh(const std::string& command) {
  SpawnOptions o;
  o.argv = shell(command);
  return o;
}

TEST(ChildProcess, ReportsTheExitCode) {
  auto child = ChildProcess::spawn(sh("exit 3"));
  ASSERT_TRUE(child.has_value()) << child.error().message();
  auto status = (*child)->wait_for(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->code, 3);
  EXPECT_EQ(status->describe(), "exit code 3");
}

TEST(ChildProcess, AppendsStdoutAndStderrToItsLogFile) {
  const fs::path log = fs::temp_directory_path() / ("child-log-" + std::to_string(::getpid()));
  std::ofstream(log) << "before\n";
  auto options = sh("echo out; echo err >&2");
  options.log_file = log;
  auto child = ChildProcess::spawn(options);
  ASSERT_TRUE(child.has_value());
  ASSERT_TRUE((*child)->wait_for(5s).has_value());
  EXPECT_EQ(read(log), "before\nout\nerr\n");
  fs::remove(log);
}

TEST(ChildProcess, CarriesTheOwnerAndRunMarks) {
  harness::process::OwnerMark::set_run_id("mark-test");
  auto child = ChildProcess::spawn(sh("sleep 30"));
  ASSERT_TRUE(child.has_value());
  const std::string environ = read("/proc/" + std::to_string((*child)->pid()) + "/environ");
  EXPECT_NE(environ.find("CELERY_CHAOS_OWNER=" + harness::process::OwnerMark::owner()), std::string::npos);
  EXPECT_NE(environ.find("CELERY_CHAOS_RUN=mark-test"), std::string::npos);
  harness::process::OwnerMark::set_run_id("");
}

TEST(ChildProcess, RunsInItsOwnProcessGroup) {
  auto child = ChildProcess::spawn(sh("sleep 30"));
  ASSERT_TRUE(child.has_value());
  EXPECT_EQ(::getpgid((*child)->pid()), (*child)->pid());
}

TEST(ChildProcess, StopEscalatesToSigkillForAChildThatIgnoresSigterm) {
  auto child = ChildProcess::spawn(sh("trap '' TERM; echo ready; while :; do sleep 0.05; done"));
  ASSERT_TRUE(child.has_value());
  std::this_thread::sleep_for(50ms);  // let the shell install its trap (the outcome is checked either way)
  const auto started = std::chrono::steady_clock::now();
  auto status = (*child)->stop(300ms);
  EXPECT_EQ(status.signal, SIGKILL);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST(ChildProcess, DestructorKillsTheWholeGroupIncludingGrandchildren) {
  const fs::path pidfile = fs::temp_directory_path() / ("grandchild-" + std::to_string(::getpid()));
  pid_t grandchild = 0;
  {
    auto child = ChildProcess::spawn(sh("sleep 30 & echo $! > " + pidfile.string() + "; wait"));
    ASSERT_TRUE(child.has_value());
    ASSERT_TRUE(eventually([&] { return !read(pidfile).empty() && read(pidfile).back() == '\n'; }));
    grandchild = std::stoi(read(pidfile));
    EXPECT_TRUE(alive(grandchild));
  }
  EXPECT_TRUE(eventually([&] { return !alive(grandchild); })) << "grandchild " << grandchild << " survived";
  fs::remove(pidfile);
}

TEST(ChildProcess, MissingBinaryIsAnInfrastructureError) {
  SpawnOptions options;
  options.argv = {"celery-chaos-no-such-binary"};
  auto child = ChildProcess::spawn(options);
  ASSERT_FALSE(child.has_value());
  EXPECT_EQ(child.error().message(), "cannot run 'celery-chaos-no-such-binary': not found on PATH");
  EXPECT_EQ(child.error().kind(), harness::util::ErrorKind::k_infrastructure);
}

TEST(ChildProcess, RunsAsAnotherUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) GTEST_SKIP() << "no postgres user (install postgresql)";
  auto options = sh("id -u");
  options.run_as_user = "postgres";
  auto result = run_command(options, 5s);
  ASSERT_TRUE(result.succeeded()) << result.output;
  EXPECT_EQ(result.output, std::to_string(pw->pw_uid) + "\n");
}

TEST(RunCommand, CapturesOutputAndExitCode) {
  auto result = run_command(sh("echo hello; echo oops >&2; exit 4"), 5s);
  ASSERT_TRUE(result.status.has_value());
  EXPECT_EQ(result.status->code, 4);
  EXPECT_EQ(result.output, "hello\noops\n");
  EXPECT_FALSE(result.timed_out);
}

TEST(RunCommand, TimeoutKillsTheCommandAndItsGrandchildrenPromptly) {
  const fs::path pidfile = fs::temp_directory_path() / ("timeout-grandchild-" + std::to_string(::getpid()));
  const auto started = std::chrono::steady_clock::now();
  auto result = run_command(sh("sleep 60 & echo $! > " + pidfile.string() + "; wait"), 300ms);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.status.has_value());
  const pid_t grandchild = std::stoi(read(pidfile));
  EXPECT_TRUE(eventually([&] { return !alive(grandchild); }));
  fs::remove(pidfile);
}

TEST(RunCommand, ReturnsWhenTheLeaderExitsEvenIfABackgroundedGrandchildHoldsThePipe) {
  const auto started = std::chrono::steady_clock::now();
  auto result = run_command(sh("sleep 60 & echo done"), 10s);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  ASSERT_TRUE(result.succeeded());
  EXPECT_EQ(result.output, "done\n");
}

TEST(RunCommand, OutputKeepsOnlyTheLast64KiB) {
  auto result = run_command(sh("head -c 200000 /dev/zero | tr '\\0' x; echo END"), 10s);
  ASSERT_TRUE(result.succeeded());
  EXPECT_EQ(result.output.size(), 64u * 1024);
  EXPECT_EQ(result.output.substr(result.output.size() - 4), "END\n");
}

TEST(Reaper, ReapsAnOrphanedGrandchildAsSubreaper) {
  harness::process::OwnerMark::set_run_id("orphan-test");
  auto result = run_command(sh("sleep 30 >/dev/null 2>&1 & echo $!"), 5s);
  ASSERT_TRUE(result.succeeded());
  const pid_t orphan = std::stoi(result.output);
  // It was re-parented to this process (the subreaper), not to init.
  const std::string stat = read("/proc/" + std::to_string(orphan) + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string state, ppid;
  fields >> state >> ppid;
  EXPECT_EQ(std::stoi(ppid), ::getpid());
  auto swept = harness::process::kill_run("orphan-test");
  EXPECT_EQ(swept.killed, std::vector<pid_t>{orphan});
  // Reaped by the Reaper: gone from /proc entirely, not a zombie.
  EXPECT_TRUE(eventually([&] { return !fs::exists("/proc/" + std::to_string(orphan)); }));
  harness::process::OwnerMark::set_run_id("");
}

TEST(Sweeper, KillsProcessesOfADeadHarnessAndLeavesLiveOnesAlone) {
  // A dead owner: a process that has exited, identified by its pid and start time.
  auto short_lived = ChildProcess::spawn(sh("exit 0"));
  ASSERT_TRUE(short_lived.has_value());
  const std::string dead_owner = std::to_string((*short_lived)->pid()) + ":1";
  ASSERT_TRUE((*short_lived)->wait_for(5s).has_value());

  auto orphan_options = sh("sleep 30");
  orphan_options.environment["CELERY_CHAOS_OWNER"] = dead_owner;
  auto orphan = ChildProcess::spawn(orphan_options);
  auto mine = ChildProcess::spawn(sh("sleep 30"));
  ASSERT_TRUE(orphan.has_value() && mine.has_value());

  auto report = harness::process::sweep_orphans();
  EXPECT_NE(std::find(report.killed.begin(), report.killed.end(), (*orphan)->pid()), report.killed.end());
  EXPECT_EQ(std::find(report.killed.begin(), report.killed.end(), (*mine)->pid()), report.killed.end());
  auto status = (*orphan)->wait_for(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->signal, SIGKILL);
  EXPECT_TRUE((*mine)->running());
}

TEST(Cancellation, SleepWakesPromptlyOnSigint) {
  harness::process::install_signal_handlers();
  harness::process::reset_for_tests();
  std::thread raiser([] {
    std::this_thread::sleep_for(50ms);
    ::kill(::getpid(), SIGINT);
  });
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(harness::process::sleep_for(10s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  raiser.join();
  EXPECT_TRUE(harness::process::cancelled());
  EXPECT_EQ(harness::process::cancel_reason(), "interrupted by SIGINT");
  harness::process::reset_for_tests();
  EXPECT_FALSE(harness::process::cancelled());
  EXPECT_TRUE(harness::process::sleep_for(1ms));
}

TEST(Cancellation, RequestCancelCarriesItsReason) {
  harness::process::reset_for_tests();
  harness::process::request_cancel("scenario timeout of 3m exceeded");
  EXPECT_EQ(harness::process::cancel_reason(), "scenario timeout of 3m exceeded");
  EXPECT_FALSE(harness::process::sleep_for(10s));
  harness::process::reset_for_tests();
}

TEST(Ports, AllocatedPortsAreUniqueAndListeningIsDetected) {
  auto a = harness::process::allocate_port();
  auto b = harness::process::allocate_port();
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_NE(*a, *b);
  EXPECT_FALSE(harness::process::is_listening(*a));
  EXPECT_FALSE(harness::process::is_listening(*b));
}

}  // namespace
