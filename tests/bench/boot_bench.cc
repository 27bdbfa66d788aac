// Boot benchmark (issue: parallel boot). Alternates, in one run, RabbitMQ alone and the full smoke stack, each
// booted by the real harness binary, and reports the wall time from `run` to all services ready (the
// `stack.ready` event's after_s in history.jsonl, plus the process wall time), medians and their ratio.
// Then measures the harness's own RSS and CPU while the full stack idles for 20 s.
//
//   build/tests/boot_bench [ROUNDS]     (default 3 rounds; ~2 minutes)
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/process/child_process.h"

namespace fs = std::filesystem;

namespace {
const fs::path k_scenarios = fs::path(CELERY_CHAOS_SOURCE_DIR) / "tests" / "bench" / "scenarios";

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Seconds from the harness's run.begin to stack.ready, read from the run's history.
double boot_seconds(const fs::path& reports, const std::string& scenario) {
  std::ifstream in(fs::canonical(reports / "latest") / scenario / "history.jsonl");
  std::string line;
  double begin = 0, ready = -1;
  while (std::getline(in, line)) {
    auto e = nlohmann::json::parse(line);
    if (e["type"] == "run.begin") begin = e["t"];
    if (e["type"] == "stack.ready") ready = e["t"];
  }
  return ready < 0 ? -1 : ready - begin;
}

struct Sample {
  double boot = 0;
  double wall = 0;
};

Sample run_once(const std::string& file, const std::string& scenario, const fs::path& reports) {
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY, "run", (k_scenarios / file).string(), "--report-dir", reports.string()};
  const auto t0 = std::chrono::steady_clock::now();
  auto result = harness::process::run_command(options, std::chrono::minutes{5});
  Sample s;
  s.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!result.succeeded()) {
    std::cerr << file << " failed:\n" << result.output << "\n";
    std::exit(3);
  }
  s.boot = boot_seconds(reports, scenario);
  return s;
}

long read_rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = 0;
  while (in >> key) {
    if (key == "VmRSS:") {
      in >> value;
      return value;
    }
    std::getline(in, key);
  }
  return 0;
}

double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}
}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 3;
  const fs::path reports = fs::temp_directory_path() / ("celery-chaos-bench-" + std::to_string(::getpid()));
  std::vector<double> alone_boot, alone_wall, full_boot, full_wall;
  for (int i = 0; i < rounds; ++i) {
    auto a = run_once("rabbitmq-alone.yaml", "bench-rabbitmq-alone", reports);
    auto f = run_once("full-stack.yaml", "bench-full-stack", reports);
    alone_boot.push_back(a.boot);
    alone_wall.push_back(a.wall);
    full_boot.push_back(f.boot);
    full_wall.push_back(f.wall);
    std::cout << "round " << i + 1 << ": rabbitmq alone " << a.boot << " s to ready (" << a.wall
              << " s wall), full stack " << f.boot << " s to ready (" << f.wall << " s wall)\n";
  }
  std::cout << "median boot to ready: rabbitmq alone " << median(alone_boot) << " s, full stack "
            << median(full_boot) << " s, ratio " << median(full_boot) / median(alone_boot) << " (target <= 1.2)\n";
  std::cout << "median wall of the whole run: rabbitmq alone " << median(alone_wall) << " s, full stack "
            << median(full_wall) << " s, ratio " << median(full_wall) / median(alone_wall) << "\n";

  // Harness cost while the stack idles.
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY, "run", (k_scenarios / "idle.yaml").string(), "--report-dir", reports.string()};
  options.log_file = reports / "idle.log";
  auto child = harness::process::ChildProcess::spawn(options);
  if (!child) return 3;
  const pid_t pid = (*child)->pid();
  auto log = [&] {
    std::ifstream in(reports / "idle.log");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  while (log().find("all ready") == std::string::npos && (*child)->running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  const double cpu0 = cpu_seconds(pid);
  const auto t0 = std::chrono::steady_clock::now();
  long max_rss = 0;
  for (int i = 0; i < 30 && (*child)->running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{500});
    max_rss = std::max(max_rss, read_rss_kib(pid));
  }
  const double cpu1 = cpu_seconds(pid);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  (*child)->wait_for(std::chrono::minutes{2});
  std::cout << "harness while the stack idles: max RSS " << max_rss / 1024.0 << " MiB, CPU "
            << 100.0 * (cpu1 - cpu0) / elapsed << "% of one core over " << elapsed << " s\n";
  fs::remove_all(reports);
  return 0;
}
