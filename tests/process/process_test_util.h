#pragma once
// Helpers for the process tests: polling instead of sleeping, and a fixture that fails a test which leaves a
// process behind (any child of the test process, live or zombie, once the test body is done).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness/process/child_process.h"
#include "harness/process/proc_stat.h"

namespace process_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Polls `done` every 2 ms until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return done();
}

// Running or sleeping, not a zombie.
inline bool alive(pid_t pid) {
  const auto stat = harness::process::read_proc_stat(pid);
  return stat && !stat->dead();
}

// Gone entirely: dead and reaped (not a zombie).
inline bool reaped(pid_t pid) { return !harness::process::read_proc_stat(pid).has_value(); }

inline harness::process::SpawnOptions sh(const std::string& command) {
  harness::process::SpawnOptions options;
  options.argv = harness::process::shell(command);
  return options;
}

// The pid a command wrote to a file as "PID\n" (waits until the line is complete).
inline pid_t pid_from(const fs::path& file) {
  std::string text;
  if (!eventually([&] { return !(text = read_file(file)).empty() && text.back() == '\n'; })) return -1;
  return std::stoi(text);
}

// Processes whose parent is this process (children and adopted orphans, zombies included).
inline std::vector<pid_t> children_of_this_process() {
  std::vector<pid_t> out;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    if (const auto stat = harness::process::read_proc_stat(pid); stat && stat->ppid == ::getpid()) {
      out.push_back(pid);
    }
  }
  return out;
}

// A fresh path under the temp dir, removed with everything under it at the end of the test.
class TempPath {
public:
  explicit TempPath(const std::string& stem)
      : m_path(fs::temp_directory_path() /
               ("celery-chaos-" + stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(s_counter++))) {
    fs::remove_all(m_path);
  }
  ~TempPath() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  const fs::path& path() const { return m_path; }
  std::string string() const { return m_path.string(); }

private:
  static inline int s_counter = 0;
  fs::path m_path;
};

// Every test of the process layer leaves no process behind.
class ProcessTest : public ::testing::Test {
protected:
  void TearDown() override {
    std::vector<pid_t> left;
    const bool clean = eventually([&] { return (left = children_of_this_process()).empty(); }, 3s);
    EXPECT_TRUE(clean) << "the test left " << left.size() << " process(es) behind, first pid " << left.front();
    for (const pid_t pid : left) ::kill(pid, SIGKILL);  // so that the next test starts clean
  }
};

}  // namespace process_test
