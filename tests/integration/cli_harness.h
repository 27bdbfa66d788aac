#pragma once
// Helpers for integration tests: run the built celery-chaos binary, find processes a harness left behind,
// skip when a service's package is missing. No fixed sleeps: everything polls.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "harness/process/child_process.h"
#include "harness/history/history.h"

namespace test {

namespace fs = std::filesystem;

inline fs::path tests_dir() { return TESTS_DIR; }
// A scenario ("second") whose check fails unless every thread of its broker runs at nice 0: the tests of the
// broker booted ahead of its scenario (niced, then restored) run it second in a suite.
inline constexpr const char* k_broker_at_nice_0_scenario = R"(name: second
services:
  broker: {image: rabbitmq}
steps:
  - wait: {ready: [broker]}
checks:
  - name: every thread of the broker runs at nice 0
    exec: {command: "pid=$(cat {{broker.dir}}/rabbitmq.pid) && ps -L -o ni= -p $pid | tr -d ' ' | sort -u | tee /dev/stderr | grep -qvx 0; test $? = 1"}
)";

inline fs::path source_dir() { return fs::path(TESTS_DIR).parent_path(); }

// A fresh folder under the build tree's temp, removed at the end of the test.
class TempDir {
public:
  TempDir() {
    m_path = fs::temp_directory_path() / ("celery-chaos-test-" + std::to_string(::getpid()) + "-" +
                                          std::to_string(s_counter++));
    fs::remove_all(m_path);
    fs::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  const fs::path& path() const { return m_path; }
  fs::path write(const std::string& name, const std::string& content) const {
    std::ofstream(m_path / name) << content;
    return m_path / name;
  }

private:
  static inline int s_counter = 0;
  fs::path m_path;
};

struct CliResult {
  int exit_code = -1;
  std::string output;
};

inline CliResult run_cli(const std::vector<std::string>& args, std::chrono::seconds timeout = std::chrono::seconds{300}) {
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  const auto result = harness::process::run_command(options, timeout);
  CliResult out;
  out.exit_code = result.status ? result.status->code : -1;
  out.output = result.output;
  return out;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Pids of live (non-zombie) processes whose environment carries CELERY_CHAOS_OWNER=<harness_pid>:...
inline std::vector<pid_t> processes_owned_by(pid_t harness_pid) {
  std::vector<pid_t> out;
  const std::string needle = "CELERY_CHAOS_OWNER=" + std::to_string(harness_pid) + ":";
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = read_file(entry.path() / "stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] == 'Z') continue;
    std::ifstream env(entry.path() / "environ", std::ios::binary);
    std::string var;
    while (std::getline(env, var, '\0')) {
      if (var.rfind(needle, 0) == 0) {
        out.push_back(std::stoi(name));
        break;
      }
    }
  }
  return out;
}

// Polls `done` every 20 ms until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return done();
}

inline bool have(const char* path) { return ::access(path, X_OK) == 0; }

#define REQUIRE_SERVICES()                                                                                   \
  do {                                                                                                       \
    if (!test::have("/usr/lib/rabbitmq/bin/rabbitmq-server")) GTEST_SKIP() << "rabbitmq-server not installed (scripts/install-deps)"; \
    if (!test::have("/usr/bin/redis-server")) GTEST_SKIP() << "redis-server not installed (scripts/install-deps)";                  \
    if (!std::filesystem::exists("/usr/lib/postgresql")) GTEST_SKIP() << "postgresql not installed (scripts/install-deps)";                    \
  } while (0)

// The newest run folder (by the `latest` link) of a report dir.
inline fs::path latest_run(const fs::path& report_dir) { return fs::canonical(report_dir / "latest"); }

// Ports the services of a run listened on, from its history (service.started events carry them).
inline std::set<int> ports_of_run(const fs::path& scenario_dir) {
  std::set<int> ports;
  std::ifstream in(scenario_dir / "history.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    const auto pos = line.find("\"ports\":[");
    if (pos == std::string::npos) continue;
    std::stringstream list(line.substr(pos + 9, line.find(']', pos) - pos - 9));
    std::string port;
    while (std::getline(list, port, ',')) ports.insert(std::stoi(port));
  }
  return ports;
}

// One CLI run of several scenario files, with its own report dir.
struct Run {
  CliResult cli;
  fs::path dir;  // reports/<run-id>/
  std::string junit;
};

// Runs the CLI on `files` with its report dir `root`.
inline Run run_scenarios(const std::vector<std::string>& files, const fs::path& root) {
  std::vector<std::string> args{"run"};
  args.insert(args.end(), files.begin(), files.end());
  args.insert(args.end(), {"--report-dir", root.string()});
  Run run;
  run.cli = run_cli(args);
  if (fs::exists(root / "latest")) {
    run.dir = latest_run(root);
    run.junit = read_file(run.dir / "junit.xml");
  }
  return run;
}

// Several CLI runs at once, one thread each, report dirs r0, r1, ... under `dir`.
inline std::vector<Run> run_in_parallel(const std::vector<std::vector<std::string>>& batches, const fs::path& dir) {
  std::vector<std::future<Run>> futures;
  for (size_t i = 0; i < batches.size(); ++i)
    futures.push_back(std::async(std::launch::async, run_scenarios, batches[i], dir / ("r" + std::to_string(i))));
  std::vector<Run> runs;
  for (auto& f : futures) runs.push_back(f.get());
  return runs;
}

// The text of the file at `path` with `from` replaced by `to`, every occurrence; at least one must exist.
inline std::string replaced_in(const fs::path& path, const std::string& from, const std::string& to) {
  std::string text = read_file(path);
  size_t pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << path << " no longer contains: " << from;
  while (pos != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos = text.find(from, pos + to.size());
  }
  return text;
}

// Every JSON line of a file (a history, a load's raw lines, a ledger); blank and unparsable lines are left out.
inline std::vector<nlohmann::json> json_lines(const fs::path& path) {
  std::vector<nlohmann::json> out;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

// The start of a testsuite element as junit.xml writes it: "<testsuite name=\"NAME\" tests=\"3\" failures=\"0\"
// errors=\"0\"".
inline std::string suite_header(const std::string& name, int tests, int failures, int errors = 0) {
  return "<testsuite name=\"" + name + "\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\"";
}

// A scenario shipped in scenarios/ (NAME.yaml).
inline fs::path shipped(const std::string& name) { return source_dir() / "scenarios" / (name + ".yaml"); }

// The shipped scenario `name` with each (from, to) replaced once, in turn; every `from` must be there.
inline std::string edited(const std::string& name, const std::vector<std::pair<std::string, std::string>>& edits) {
  std::string text = read_file(shipped(name));
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << name << " no longer contains: " << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace test
