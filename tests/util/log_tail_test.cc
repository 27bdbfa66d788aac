#include "harness/util/log_tail.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {
namespace fs = std::filesystem;
using harness::util::tail_file;

class LogTail : public testing::Test {
protected:
  fs::path path = fs::temp_directory_path() / ("log-tail-test-" + std::to_string(::getpid()) + "-" +
                                               testing::UnitTest::GetInstance()->current_test_info()->name());
  void TearDown() override { fs::remove(path); }
  void write(const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
  void write_lines(int count) {
    std::ofstream out(path, std::ios::binary);
    for (int i = 1; i <= count; ++i) out << "line " << i << "\n";
  }
};

TEST_F(LogTail, keeps_the_last_lines) {
  write_lines(100);
  EXPECT_EQ(tail_file(path, 3), "line 98\nline 99\nline 100\n");
}

TEST_F(LogTail, a_short_file_is_returned_whole) {
  write_lines(2);
  EXPECT_EQ(tail_file(path), "line 1\nline 2\n");
}

TEST_F(LogTail, a_last_line_without_newline_counts_as_a_line) {
  write("one\ntwo\nthree");
  EXPECT_EQ(tail_file(path, 2), "two\nthree");
}

TEST_F(LogTail, reads_only_the_last_bytes_and_drops_the_line_they_cut) {
  write_lines(100);
  // The last 14 bytes are "e 99\nline 100\n": the cut "e 99" is dropped, though two lines were asked for.
  EXPECT_EQ(tail_file(path, 2, 14), "line 100\n");
}

TEST_F(LogTail, a_window_that_starts_at_a_line_start_keeps_that_line) {
  write_lines(100);
  EXPECT_EQ(tail_file(path, 5, 17), "line 99\nline 100\n");  // exactly the last two lines' bytes
}

TEST_F(LogTail, one_huge_last_line_keeps_its_last_bytes) {
  write("start\n" + std::string(100'000, 'x') + "END\n");
  EXPECT_EQ(tail_file(path, 40, 10), "xxxxxxEND\n");
}

TEST_F(LogTail, reads_the_end_of_a_big_file_within_the_byte_limit) {
  write_lines(200'000);  // about 2.5 MB
  const std::string tail = tail_file(path);
  EXPECT_LE(tail.size(), 16384u);
  EXPECT_EQ(tail.substr(tail.size() - 12), "line 200000\n");
  EXPECT_EQ(tail.substr(0, 12), "line 199961\n");  // 40 lines
}

TEST_F(LogTail, an_empty_file_or_zero_lines_gives_empty_text) {
  write("");
  EXPECT_EQ(tail_file(path), "");
  write("one\n");
  EXPECT_EQ(tail_file(path, 0), "");
}

TEST_F(LogTail, missing_file_gives_empty_text) {
  EXPECT_EQ(tail_file("/nonexistent/celery-chaos.log"), "");
}

}  // namespace
