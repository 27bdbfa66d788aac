// `celery-chaos validate` as a user runs it (cli_main): exit codes and the messages on stderr.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "harness/cli/cli.h"

namespace harness::cli {
namespace {

namespace fs = std::filesystem;

struct Result {
  int exit_code;
  std::string err;
};

Result validate(const std::string& path) {
  std::vector<std::string> words{"celery-chaos", "validate", path};
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  ::testing::internal::CaptureStderr();
  const int code = cli_main(static_cast<int>(argv.size()), argv.data());
  return Result{code, ::testing::internal::GetCapturedStderr()};
}

TEST(ValidateCommandTest, placeholder_typo_is_exit_2_with_file_line_column) {
  const fs::path file = fs::temp_directory_path() / ("celery-chaos-typo-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(file) << "name: typo\nservices:\n  results: {image: redis}\nsteps:\n"
                         "  - exec: \"redis-cli -a {{results.pasword}} ping\"\n";
  const Result result = validate(file.string());
  fs::remove(file);
  EXPECT_EQ(result.exit_code, k_exit_usage);
  EXPECT_EQ(result.err, file.string() +
                            ":5:25: unknown placeholder {{results.pasword}} (did you mean {{results.password}}?)\n");
}

TEST(ValidateCommandTest, a_device_is_refused_at_once) {
  const Result result = validate("/dev/zero");
  EXPECT_EQ(result.exit_code, k_exit_usage);
  EXPECT_EQ(result.err,
            "/dev/zero: not a regular file (a scenario is a YAML or JSON file; devices, pipes and sockets are "
            "refused)\n");
}

}  // namespace
}  // namespace harness::cli
