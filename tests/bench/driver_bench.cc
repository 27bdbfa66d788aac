// Driver benchmark (issue: the docker driver). Alternates, in one run, scenarios/smoke.yaml under the local driver
// and under the docker driver (a reachable engine and the image of scripts/images), each booted by the real
// harness binary, and reports per driver the medians of: boot to all ready (run.begin -> stack.ready in
// history.jsonl), the whole run's wall time, and the time to start one instance (service.starting ->
// service.started: a fork+exec locally, a container create+start under docker), with the docker/local ratios.
//
//   build/tests/driver_bench [ROUNDS]     (default 3 rounds; ~2 minutes)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/process/child_process.h"

namespace fs = std::filesystem;

namespace {
const fs::path k_smoke = fs::path(CELERY_CHAOS_SOURCE_DIR) / "scenarios" / "smoke.yaml";

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct Sample {
  double boot = -1;
  double wall = 0;
  std::vector<double> starts;  // per instance: service.starting -> service.started
};

void read_history(const fs::path& reports, Sample& s) {
  std::ifstream in(fs::canonical(reports / "latest") / "smoke" / "history.jsonl");
  std::map<std::string, double> starting;
  double begin = 0;
  for (std::string line; std::getline(in, line);) {
    const auto e = nlohmann::json::parse(line);
    const std::string type = e["type"];
    const double t = e["t"];
    if (type == "run.begin") begin = t;
    if (type == "stack.ready") s.boot = t - begin;
    if (type == "service.starting") starting[e.value("service", "")] = t;
    if (type == "service.started" && starting.count(e.value("service", "")) &&
        !e["data"].contains("reason"))  // a first start, not a restart
      s.starts.push_back(t - starting[e.value("service", "")]);
  }
}

Sample run_once(const std::string& driver, const fs::path& reports) {
  harness::process::SpawnOptions options;
  // --no-prestart: one scenario per run, nothing booted ahead.
  options.argv = {CELERY_CHAOS_BINARY, "--driver", driver, "--no-prestart", "run", k_smoke.string(),
                  "--report-dir", reports.string()};
  const auto t0 = std::chrono::steady_clock::now();
  const auto result = harness::process::run_command(options, std::chrono::minutes{5});
  Sample s;
  s.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!result.succeeded()) {
    std::cerr << "smoke under " << driver << " failed:\n" << result.output << "\n";
    std::exit(3);
  }
  read_history(reports, s);
  return s;
}
}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 3;
  const fs::path reports = fs::temp_directory_path() / ("celery-chaos-driver-bench-" + std::to_string(::getpid()));
  std::map<std::string, std::vector<double>> boot, wall, start;
  for (int i = 0; i < rounds; ++i) {
    for (const std::string driver : {"local", "docker"}) {
      const auto s = run_once(driver, reports / driver);
      boot[driver].push_back(s.boot);
      wall[driver].push_back(s.wall);
      start[driver].insert(start[driver].end(), s.starts.begin(), s.starts.end());
      std::cout << "round " << i + 1 << " " << driver << ": ready in " << s.boot << " s, run " << s.wall << " s\n";
    }
  }
  auto line = [](const char* what, std::map<std::string, std::vector<double>>& m, const char* target) {
    const double l = median(m["local"]), d = median(m["docker"]);
    std::cout << what << ": local " << l << " s, docker " << d << " s, ratio " << (l > 0 ? d / l : 0) << target
              << "\n";
  };
  line("median boot to ready", boot, " (target <= 1.3)");
  line("median whole run", wall, "");
  line("median start of one instance", start, "");
  fs::remove_all(reports);
  return 0;
}
