#include "harness/process/child_process.h"
#include "harness/process/owner.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "tests/process/process_test_util.h"

namespace {
using namespace process_test;
using harness::process::ChildProcess;
using harness::process::ExitStatus;
using harness::process::OwnerMark;
using harness::process::SpawnOptions;

class ChildProcessTest : public ProcessTest {};

std::unique_ptr<ChildProcess> spawn_or_die(const SpawnOptions& options) {
  auto child = ChildProcess::spawn(options);
  if (!child) ADD_FAILURE() << child.error().message();
  return child ? std::move(child.value()) : nullptr;
}

std::string spawn_error(const SpawnOptions& options) {
  auto child = ChildProcess::spawn(options);
  if (child) return "(spawned)";
  EXPECT_EQ(child.error().kind(), harness::util::ErrorKind::k_infrastructure);
  return child.error().message();
}

// A line of /proc/<pid>/status, e.g. "SigIgn" -> "0000000000000000".
std::string status_field(pid_t pid, const std::string& name) {
  std::istringstream lines(read_file("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name + ":", 0) == 0) return line.substr(line.find_first_not_of(" \t", name.size() + 1));
  }
  return {};
}

TEST_F(ChildProcessTest, reports_the_exit_code) {
  auto child = spawn_or_die(sh("exit 3"));
  ASSERT_TRUE(child);
  auto status = child->wait_for(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->code, 3);
  EXPECT_EQ(status->describe(), "exit code 3");
  EXPECT_FALSE(child->running());
}

TEST_F(ChildProcessTest, reports_death_by_signal) {
  auto child = spawn_or_die(sh("sleep 30"));
  ASSERT_TRUE(child);
  EXPECT_TRUE(child->running());
  child->signal(SIGKILL);
  auto status = child->wait_for(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->signal, SIGKILL);
  EXPECT_EQ(status->code, -1);
  EXPECT_EQ(status->describe(), "killed by SIGKILL");
  EXPECT_EQ((ExitStatus{-1, SIGTERM}.describe()), "killed by SIGTERM");
}

TEST_F(ChildProcessTest, appends_stdout_and_stderr_to_its_log_file) {
  TempPath log("child-log");
  std::ofstream(log.path()) << "before\n";
  auto options = sh("echo out; echo err >&2");
  options.log_file = log.path();
  auto child = spawn_or_die(options);
  ASSERT_TRUE(child && child->wait_for(5s));
  EXPECT_EQ(read_file(log.path()), "before\nout\nerr\n");
}

TEST_F(ChildProcessTest, carries_the_owner_and_run_marks) {
  OwnerMark::set_run_id("mark-test");
  auto child = spawn_or_die(sh("sleep 30"));
  OwnerMark::set_run_id("");
  ASSERT_TRUE(child);
  const std::string environ = harness::process::read_proc_file(child->pid(), "environ");
  EXPECT_EQ(harness::process::environ_value(environ, "CELERY_CHAOS_OWNER"), OwnerMark::owner());
  EXPECT_EQ(harness::process::environ_value(environ, "CELERY_CHAOS_RUN"), "mark-test");
  EXPECT_EQ(OwnerMark::owner(), (harness::process::Owner{::getpid(),
                                                         harness::process::read_proc_stat(::getpid())->start_time,
                                                         *harness::process::this_place()}
                                     .to_string()));
}

TEST_F(ChildProcessTest, children_of_a_run_get_its_environment_unless_their_own_says_otherwise) {
  OwnerMark::set_run_id("env-test", {{"TMPDIR", "/run-folder/tmp"}, {"TEMP", "/run-folder/tmp"}});
  auto options = sh("sleep 30");
  options.environment = {{"TEMP", "/the-service-says"}};
  auto child = spawn_or_die(options);
  OwnerMark::set_run_id("");
  auto unmarked = spawn_or_die(sh("sleep 30"));
  ASSERT_TRUE(child && unmarked);
  const std::string environ = harness::process::read_proc_file(child->pid(), "environ");
  EXPECT_EQ(harness::process::environ_value(environ, "TMPDIR"), "/run-folder/tmp");
  EXPECT_EQ(harness::process::environ_value(environ, "TEMP"), "/the-service-says");
  // Once the run is over, its environment goes with its id.
  EXPECT_NE(harness::process::environ_value(harness::process::read_proc_file(unmarked->pid(), "environ"), "TMPDIR"),
            "/run-folder/tmp");
}

TEST_F(ChildProcessTest, environment_options_apply_but_cannot_change_the_marks) {
  ::setenv("CELERY_CHAOS_TEST_INHERITED", "yes", 1);
  ::setenv("CELERY_CHAOS_RUN", "inherited-run", 1);  // as if this harness had been started by another one
  auto options = sh("sleep 30");
  options.environment = {{"CELERY_CHAOS_TEST_SET", "value with spaces"}, {"CELERY_CHAOS_OWNER", "1:1"}};
  options.unset_environment = {"CELERY_CHAOS_TEST_INHERITED", "CELERY_CHAOS_OWNER"};
  auto child = spawn_or_die(options);
  ::unsetenv("CELERY_CHAOS_TEST_INHERITED");
  ::unsetenv("CELERY_CHAOS_RUN");
  ASSERT_TRUE(child);
  const std::string environ = harness::process::read_proc_file(child->pid(), "environ");
  EXPECT_EQ(harness::process::environ_value(environ, "CELERY_CHAOS_TEST_SET"), "value with spaces");
  EXPECT_EQ(harness::process::environ_value(environ, "CELERY_CHAOS_TEST_INHERITED"), std::nullopt);
  EXPECT_EQ(harness::process::environ_value(environ, "CELERY_CHAOS_OWNER"), OwnerMark::owner());
  EXPECT_EQ(harness::process::environ_value(environ, "CELERY_CHAOS_RUN"), std::nullopt) << "no run id is set";
  EXPECT_TRUE(harness::process::environ_value(environ, "PATH").has_value());
}

TEST_F(ChildProcessTest, runs_in_its_own_process_group_with_stdin_from_dev_null) {
  auto child = spawn_or_die(sh("sleep 30"));
  ASSERT_TRUE(child);
  EXPECT_EQ(::getpgid(child->pid()), child->pid());
  EXPECT_EQ(child->pgid(), child->pid());
  EXPECT_EQ(fs::read_symlink("/proc/" + std::to_string(child->pid()) + "/fd/0"), "/dev/null");
}

TEST_F(ChildProcessTest, inherits_no_descriptors_no_blocked_and_no_ignored_signals) {
  TempPath leaked_file("leaked-fd");
  const int leaked = ::open(leaked_file.path().c_str(), O_CREAT | O_RDWR, 0600);  // no O_CLOEXEC, as careless code
  ASSERT_GE(leaked, 0);
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  sigset_t usr1, old_mask;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  ::pthread_sigmask(SIG_BLOCK, &usr1, &old_mask);
  auto child = spawn_or_die(sh("exec sleep 30"));
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ::sigaction(SIGPIPE, &previous, nullptr);
  ::close(leaked);
  ASSERT_TRUE(child);
  const std::string proc = "/proc/" + std::to_string(child->pid());
  ASSERT_TRUE(eventually([&] {  // past the exec of sleep
    std::error_code ec;
    return fs::read_symlink(proc + "/exe", ec).filename() == "sleep" && read_file(proc + "/comm") == "sleep\n";
  }));
  for (const auto& entry : fs::directory_iterator(proc + "/fd")) {
    std::error_code ec;
    EXPECT_NE(fs::read_symlink(entry.path(), ec), leaked_file.path()) << "inherited as fd " << entry.path().filename();
  }
  EXPECT_EQ(status_field(child->pid(), "SigIgn"), "0000000000000000");
  EXPECT_EQ(status_field(child->pid(), "SigBlk"), "0000000000000000");
}

TEST_F(ChildProcessTest, stop_ends_a_child_that_honours_sigterm_within_the_grace) {
  auto child = spawn_or_die(sh("exec sleep 30"));
  ASSERT_TRUE(child);
  const auto status = child->stop(5s);
  EXPECT_EQ(status.signal, SIGTERM);
}

TEST_F(ChildProcessTest, stop_escalates_to_sigkill_for_a_child_that_ignores_sigterm) {
  TempPath log("stop-log");
  auto options = sh("trap '' TERM; echo ready; while :; do sleep 0.05; done");
  options.log_file = log.path();
  auto child = spawn_or_die(options);
  ASSERT_TRUE(child);
  ASSERT_TRUE(eventually([&] { return read_file(log.path()) == "ready\n"; }));  // the trap is installed
  const auto started = std::chrono::steady_clock::now();
  const auto status = child->stop(300ms);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(status.signal, SIGKILL);
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 2s);
}

TEST_F(ChildProcessTest, stop_of_an_exited_child_returns_its_status) {
  auto child = spawn_or_die(sh("exit 5"));
  ASSERT_TRUE(child && child->wait_for(5s));
  EXPECT_EQ(child->stop(1s).code, 5);
}

TEST_F(ChildProcessTest, stop_returns_once_every_member_of_the_group_is_gone) {
  // A member that outlives the leader (RabbitMQ's beam.smp and its launcher): when stop() returns, nothing of the
  // group is left, not even a zombie, so its sockets are closed.
  TempPath pidfile("member");
  auto child = spawn_or_die(sh("(trap '' TERM; while :; do sleep 0.05; done) & echo $! > " + pidfile.string() +
                               "; wait"));
  ASSERT_TRUE(child);
  ASSERT_TRUE(eventually([&] { return pid_from(pidfile.path()) > 0; }));
  const pid_t member = pid_from(pidfile.path());
  child->stop(100ms);
  EXPECT_TRUE(reaped(member)) << "member " << member << " still there when stop() returned";
  EXPECT_NE(::killpg(child->pgid(), 0), 0);
}

TEST_F(ChildProcessTest, destructor_kills_the_whole_group_including_grandchildren) {
  TempPath pidfile("grandchild");
  pid_t grandchild = -1;
  {
    auto child = spawn_or_die(sh("sleep 30 & echo $! > " + pidfile.string() + "; wait"));
    ASSERT_TRUE(child);
    grandchild = pid_from(pidfile.path());
    ASSERT_GT(grandchild, 0);
    EXPECT_TRUE(alive(grandchild));
    EXPECT_EQ(::getpgid(grandchild), child->pid());
  }
  // Killed and reaped (by the Reaper, as this process is its subreaper): not even a zombie is left.
  EXPECT_TRUE(eventually([&] { return reaped(grandchild); })) << "grandchild " << grandchild << " survived";
}

TEST_F(ChildProcessTest, destructor_kills_group_members_that_outlive_the_leader) {
  TempPath pidfile("outliver");
  auto child = spawn_or_die(sh("sleep 30 & echo $! > " + pidfile.string()));
  ASSERT_TRUE(child);
  const pid_t grandchild = pid_from(pidfile.path());
  ASSERT_TRUE(child->wait_for(5s));
  EXPECT_TRUE(alive(grandchild));
  child.reset();
  EXPECT_TRUE(eventually([&] { return reaped(grandchild); }));
}

TEST_F(ChildProcessTest, missing_binary_is_an_infrastructure_error) {
  SpawnOptions options;
  options.argv = {"celery-chaos-no-such-binary", "--flag"};
  EXPECT_EQ(spawn_error(options), "cannot run 'celery-chaos-no-such-binary': not found on PATH");
}

TEST_F(ChildProcessTest, path_that_cannot_be_executed_is_an_infrastructure_error) {
  SpawnOptions options;
  options.argv = {"/nonexistent/celery-chaos"};
  EXPECT_EQ(spawn_error(options), "cannot run '/nonexistent/celery-chaos': No such file or directory");
  TempPath dir("not-executable");
  fs::create_directories(dir.path());
  std::ofstream(dir.path() / "data") << "#!/bin/sh\n";
  fs::permissions(dir.path() / "data", fs::perms::owner_read | fs::perms::owner_write);
  options.argv = {(dir.path() / "data").string()};
  EXPECT_EQ(spawn_error(options), "cannot run '" + options.argv[0] + "': not executable");
  options.argv = {dir.string()};
  EXPECT_EQ(spawn_error(options), "cannot run '" + dir.string() + "': is a directory");
  // Executable, but not a program: the exec fails, and spawn reports it.
  std::ofstream(dir.path() / "garbage") << "\x7f\x01not a program";
  fs::permissions(dir.path() / "garbage", fs::perms::owner_all);
  options.argv = {(dir.path() / "garbage").string()};
  EXPECT_EQ(spawn_error(options), "cannot run '" + options.argv[0] + "': Exec format error");
}

TEST_F(ChildProcessTest, looks_up_the_binary_on_the_childs_path) {
  TempPath dir("path");
  fs::create_directories(dir.path());
  std::ofstream(dir.path() / "celery-chaos-tool") << "#!/bin/sh\necho from tool\n";
  fs::permissions(dir.path() / "celery-chaos-tool", fs::perms::owner_all);
  SpawnOptions options;
  options.argv = {"celery-chaos-tool"};
  options.environment["PATH"] = dir.string() + ":/usr/bin:/bin";
  const auto result = harness::process::run_command(options, 5s);
  ASSERT_TRUE(result.succeeded()) << result.output;
  EXPECT_EQ(result.output, "from tool\n");
}

TEST_F(ChildProcessTest, runs_in_the_working_directory) {
  TempPath dir("cwd");
  fs::create_directories(dir.path());
  auto options = sh("pwd");
  options.working_directory = dir.path();
  const auto result = harness::process::run_command(options, 5s);
  ASSERT_TRUE(result.succeeded()) << result.output;
  EXPECT_EQ(result.output, fs::canonical(dir.path()).string() + "\n");
}

TEST_F(ChildProcessTest, missing_working_directory_is_reported_by_spawn) {
  SpawnOptions options;
  options.argv = {"true"};
  options.working_directory = "/nonexistent/celery-chaos";
  EXPECT_EQ(spawn_error(options),
            "cannot run 'true': cannot enter working directory /nonexistent/celery-chaos: No such file or directory");
}

TEST_F(ChildProcessTest, unopenable_log_file_is_an_infrastructure_error) {
  auto options = sh("true");
  options.log_file = "/nonexistent/celery-chaos.log";
  EXPECT_EQ(spawn_error(options),
            "cannot run '/bin/sh': cannot open log file /nonexistent/celery-chaos.log: No such file or directory");
}

TEST_F(ChildProcessTest, runs_as_another_user) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) GTEST_SKIP() << "no postgres user (install postgresql)";
  auto options = sh("id -u; id -g; id -G");
  options.run_as_user = "postgres";
  const auto result = harness::process::run_command(options, 5s);
  ASSERT_TRUE(result.succeeded()) << result.output;
  std::istringstream lines(result.output);
  std::string uid, gid, groups;
  std::getline(lines, uid);
  std::getline(lines, gid);
  std::getline(lines, groups);
  EXPECT_EQ(uid, std::to_string(pw->pw_uid));
  EXPECT_EQ(gid, std::to_string(pw->pw_gid));
  EXPECT_EQ(groups.find(" 0 "), std::string::npos) << "root's groups were kept: " << groups;
  EXPECT_NE(groups, "0");
}

TEST_F(ChildProcessTest, unknown_user_is_an_infrastructure_error) {
  auto options = sh("true");
  options.run_as_user = "celery-chaos-no-such-user";
  EXPECT_EQ(spawn_error(options), "cannot run '/bin/sh' as user 'celery-chaos-no-such-user': no such user");
}

TEST_F(ChildProcessTest, empty_command_is_an_infrastructure_error) {
  EXPECT_EQ(spawn_error(SpawnOptions{}), "cannot run an empty command");
}

}  // namespace
