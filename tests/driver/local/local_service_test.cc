// LocalService: a restart replaces the main process while other threads (health probes, faults, the orchestrator's
// monitor) read it. Before the main process was guarded, this was a data race on the pointer and a read of a freed
// process (ThreadSanitizer reports it; see the README's sanitizer builds).
#include "harness/driver/local/local_service.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "tests/process/process_test_util.h"

namespace harness::driver::local {
namespace {

using namespace std::chrono_literals;

class SleepLocalService final : public LocalService {
public:
  explicit SleepLocalService(std::filesystem::path log) : LocalService("sleeper", "sleeper", std::move(log)) {}
  std::string kind() const override { return "sleep"; }
  util::Status start() override { return spawn(process_test::sh("exec sleep 60")); }
  ReadyPoll poll_ready() override { return {Readiness::k_ready, {}}; }
  std::map<std::string, std::string> placeholders() const override { return {}; }
  std::map<std::string, std::string> exec_environment() const override {
    return {{"OWN", "instance"}, {"SHARED", "instance"}};
  }
  std::filesystem::path exec_working_directory() const override { return "/tmp"; }
};

// A client (a load's publisher) goes through the instance's launcher, as its own processes do: under the docker
// driver that is a container of the stack's image, here a child process. It gets the instance's exec environment
// under its own, the instance's working directory, and the launcher learns which folders it writes.
TEST(LocalServiceTest, a_client_runs_through_the_launcher_in_the_instance_environment) {
  process_test::TempPath dir("local-client");
  std::filesystem::create_directories(dir.path());
  SleepLocalService service(dir.path() / "sleeper.log");
  std::vector<Launch> launches;
  const auto processes = process_launcher();
  service.set_launcher([&](const Launch& launch) {
    launches.push_back(launch);
    return processes(launch);
  });
  auto options = process_test::sh("echo \"$OWN $SHARED $(pwd)\" > " + (dir.path() / "out").string());
  options.environment = {{"SHARED", "client"}};
  auto client = service.spawn_client(options, "burst", {dir.path()});
  ASSERT_TRUE(client) << client.error().message();
  ASSERT_TRUE(process_test::eventually([&] { return !(*client)->running(); }));
  EXPECT_EQ((*client)->exit_status()->code, 0);
  EXPECT_EQ(process_test::read_file(dir.path() / "out"), "instance client /tmp\n");
  ASSERT_EQ(launches.size(), 1u);
  EXPECT_EQ(launches[0].instance, "sleeper-burst");
  EXPECT_EQ(launches[0].kind, "client");
  EXPECT_EQ(launches[0].writes, (std::vector<std::filesystem::path>{dir.path()}));
  EXPECT_TRUE((*client)->identity().contains("pid"));
}

// A stop ends a client still running, within its grace (a kill after it), and a released client leaves nothing.
TEST(LocalServiceTest, a_client_stopped_or_released_leaves_no_process) {
  process_test::TempPath dir("local-client-stop");
  std::filesystem::create_directories(dir.path());
  SleepLocalService service(dir.path() / "sleeper.log");
  auto client = service.spawn_client(process_test::sh("exec sleep 60"), "long", {});
  ASSERT_TRUE(client) << client.error().message();
  const auto pid = (*client)->identity().at("pid").get<pid_t>();
  EXPECT_TRUE((*client)->running());
  (*client)->stop(2s);
  EXPECT_FALSE((*client)->running());
  auto released = service.spawn_client(process_test::sh("exec sleep 60"), "released", {});
  ASSERT_TRUE(released);
  const auto released_pid = (*released)->identity().at("pid").get<pid_t>();
  released->reset();
  EXPECT_TRUE(process_test::eventually([&] { return ::kill(released_pid, 0) != 0; }));
  EXPECT_NE(::kill(pid, 0), 0);
}

TEST(LocalServiceTest, restarts_while_other_threads_read_the_main_process_are_safe) {
  const auto log = std::filesystem::temp_directory_path() / ("local-service-" + std::to_string(::getpid()) + ".log");
  {
    SleepLocalService service(log);
    ASSERT_TRUE(service.start());
    std::atomic<bool> done{false};
    std::atomic<int> reads{0};
    std::thread reader([&] {
      while (!done) {
        if (auto pid = service.main_pid()) {
          EXPECT_GT(*pid, 0);
        }
        (void)service.exit_status();
        ++reads;
      }
    });
    for (int restart = 0; restart < 10; ++restart) {
      const pid_t pid = *service.main_pid();
      ::kill(pid, SIGKILL);
      ASSERT_TRUE(process_test::eventually([&] { return service.exit_status().has_value(); }));
      ASSERT_TRUE(service.start());
      EXPECT_NE(*service.main_pid(), pid);
    }
    EXPECT_TRUE(process_test::eventually([&] { return reads > 0; }));
    done = true;
    reader.join();
    EXPECT_FALSE(service.exit_status().has_value());
    service.stop(0ms);
    EXPECT_TRUE(service.exit_status().has_value());
  }
  std::filesystem::remove(log);
}

}  // namespace
}  // namespace harness::driver::local
