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
};

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
