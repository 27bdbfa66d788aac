// `celery-chaos merge OUT.xml IN.xml...` as a user runs it (cli_main): the file written and the exit codes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/cli/cli.h"

namespace harness::cli {
namespace {

namespace fs = std::filesystem;

struct Result {
  int exit_code;
  std::string err;
};

Result merge(std::vector<std::string> files) {
  files.insert(files.begin(), {"celery-chaos", "merge"});
  std::vector<char*> argv;
  for (auto& w : files) argv.push_back(w.data());
  ::testing::internal::CaptureStderr();
  const int code = cli_main(static_cast<int>(argv.size()), argv.data());
  return Result{code, ::testing::internal::GetCapturedStderr()};
}

TEST(MergeCommandTest, writes_the_merged_file_and_exits_0) {
  const fs::path dir = fs::temp_directory_path() / ("celery-chaos-merge-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "1.xml") << R"(<testsuites><testsuite name="a" tests="2" failures="1" errors="0" skipped="0" time="1"/></testsuites>)";
  std::ofstream(dir / "2.xml") << R"(<testsuites><testsuite name="b" tests="3" failures="0" errors="1" skipped="1" time="2"/></testsuites>)";
  const Result result = merge({(dir / "out/all.xml").string(), (dir / "1.xml").string(), (dir / "2.xml").string()});
  std::stringstream written;
  written << std::ifstream(dir / "out/all.xml").rdbuf();
  fs::remove_all(dir);
  EXPECT_EQ(result.exit_code, k_exit_passed);
  EXPECT_EQ(result.err, "");
  EXPECT_NE(written.str().find(R"(<testsuites name="celery-chaos" tests="5" failures="1" errors="1" skipped="1" time="3.000">)"),
            std::string::npos)
      << written.str();
}

TEST(MergeCommandTest, without_an_input_is_exit_2) {
  const Result result = merge({"out.xml"});
  EXPECT_EQ(result.exit_code, k_exit_usage);
  EXPECT_EQ(result.err, "celery-chaos merge: give OUT.xml and at least one JUnit file to merge into it\n");
}

TEST(MergeCommandTest, an_unreadable_input_is_exit_2_and_writes_nothing) {
  const fs::path out = fs::temp_directory_path() / ("celery-chaos-merge-none-" + std::to_string(::getpid()) + ".xml");
  const Result result = merge({out.string(), "/nonexistent/shard.xml"});
  EXPECT_EQ(result.exit_code, k_exit_usage);
  EXPECT_EQ(result.err, "celery-chaos merge: /nonexistent/shard.xml: cannot read it\n");
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace harness::cli
