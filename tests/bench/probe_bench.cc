// Probe overhead benchmark (issue: health checks). The harness's own cost per probe run — spawn in its own
// process group with the owner marks, capture output through a pipe, wait via the Reaper, judge with the
// HealthTracker — against the same command run the cheapest way a shell would: posix_spawn + waitpid.
// Both alternate in one run, N times each; the report is the mean and median per run and their difference.
//
//   build/tests/probe_bench [N]      (default 300)
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <vector>

#include "harness/driver/service.h"
#include "harness/health/health_state.h"
#include "harness/process/reaper.h"
#include "harness/stack/probe.h"

extern char** environ;

namespace {
using Clock = std::chrono::steady_clock;

// A Service with no process of its own: probes run in the harness's environment (as for a data service).
class NoService final : public harness::driver::Service {
public:
  const std::string& name() const override { return m_name; }
  const std::string& scenario_service() const override { return m_name; }
  std::string kind() const override { return "bench"; }
  harness::util::Status start() override { return {}; }
  harness::driver::ReadyPoll poll_ready() override { return {}; }
  void stop(std::chrono::milliseconds) override {}
  std::optional<harness::process::ExitStatus> exit_status() const override { return std::nullopt; }
  bool running() const override { return false; }
  nlohmann::json identity() const override { return nlohmann::json::object(); }
  harness::driver::SignalResult signal(harness::driver::SignalTarget, int) override { return {}; }
  std::map<std::string, std::string> placeholders() const override { return {}; }
  std::filesystem::path log_path() const override { return {}; }
  std::string version() const override { return {}; }

private:
  std::string m_name = "bench";
};

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}
}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 300;
  const std::string command = "echo probe";
  harness::scenario::HealthCheck config;
  config.test = {"CMD-SHELL", command};
  config.interval = std::chrono::milliseconds{1};
  config.timeout = std::chrono::seconds{10};
  NoService service;
  harness::health::HealthTracker tracker(config, Clock::now());
  std::vector<double> harness_ms, shell_ms;
  for (int i = 0; i < n; ++i) {
    auto t0 = Clock::now();
    const auto result = harness::stack::run_probe(config, service, {});
    tracker.record(result, Clock::now());
    harness_ms.push_back(ms(Clock::now() - t0));
    if (result.exit_code != 0) {
      std::cerr << "probe failed: " << result.output << "\n";
      return 1;
    }

    t0 = Clock::now();
    pid_t pid = 0;
    const char* args[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char**>(args), environ) != 0) return 1;
    posix_spawn_file_actions_destroy(&actions);
    // The harness's Reaper owns waitpid(-1): collect this child through it too, as the harness would not.
    harness::process::Reaper::instance().track(pid);
    harness::process::Reaper::instance().wait_for(pid, std::chrono::seconds{10});
    harness::process::Reaper::instance().forget(pid);
    shell_ms.push_back(ms(Clock::now() - t0));
  }
  std::cout << "probe '" << command << "' x" << n << ": harness mean " << mean(harness_ms) << " ms, median "
            << median(harness_ms) << " ms; bare posix_spawn+wait mean " << mean(shell_ms) << " ms, median "
            << median(shell_ms) << " ms; overhead (median) " << median(harness_ms) - median(shell_ms)
            << " ms (target <= 5 ms)\n";
  return 0;
}
