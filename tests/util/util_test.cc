#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/util/log_tail.h"
#include "harness/util/time_format.h"

namespace {
namespace fs = std::filesystem;

TEST(TimeFormat, Iso8601IsUtcWithMillisecondsAndZ) {
  EXPECT_EQ(harness::util::iso8601_utc(std::chrono::system_clock::time_point{std::chrono::milliseconds{0}}),
            "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(harness::util::iso8601_utc(std::chrono::system_clock::time_point{std::chrono::milliseconds{1'795'000'000'007}}),
            "2026-11-18T11:06:40.007Z");
}

TEST(TimeFormat, DecimalSecondsHasThreeDecimals) {
  EXPECT_EQ(harness::util::decimal_seconds(std::chrono::milliseconds{0}), "0.000");
  EXPECT_EQ(harness::util::decimal_seconds(std::chrono::milliseconds{61'005}), "61.005");
}

TEST(LogTail, KeepsTheLastLines) {
  const fs::path path = fs::temp_directory_path() / ("tail-" + std::to_string(::getpid()));
  {
    std::ofstream out(path);
    for (int i = 1; i <= 100; ++i) out << "line " << i << "\n";
  }
  EXPECT_EQ(harness::util::tail_file(path, 3), "line 98\nline 99\nline 100\n");
  EXPECT_EQ(harness::util::tail_file(path, 2, 12), "line 100\n");  // only the last bytes are read
  fs::remove(path);
}

TEST(LogTail, MissingFileGivesEmptyText) {
  EXPECT_EQ(harness::util::tail_file("/nonexistent/celery-chaos.log"), "");
}

}  // namespace
