// JsonLinesTail: the complete JSON-object lines a writer appended since the last read, from a file that may appear
// late and whose last line may still be in pieces.
#include "harness/run/json_lines_tail.h"

#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "tests/process/process_test_util.h"

namespace harness::run {
namespace {

class JsonLinesTailTest : public ::testing::Test {
protected:
  std::filesystem::path path() const { return m_dir.path() / "lines.jsonl"; }
  void append(const std::string& text) {
    std::filesystem::create_directories(m_dir.path());
    std::ofstream(path(), std::ios::app) << text;
  }
  // The `n` fields of the lines read_new() hands over now.
  std::vector<int> read() {
    std::vector<int> out;
    m_tail.read_new([&](nlohmann::json& line) { out.push_back(line.value("n", -1)); });
    return out;
  }

  process_test::TempPath m_dir{"json-lines-tail"};
  JsonLinesTail m_tail{path()};
};

TEST_F(JsonLinesTailTest, a_file_not_written_yet_is_read_once_it_appears) {
  EXPECT_EQ(read(), std::vector<int>{});
  append("{\"n\": 1}\n");
  EXPECT_EQ(read(), std::vector<int>{1});
}

TEST_F(JsonLinesTailTest, each_complete_line_is_handed_over_once_and_a_partial_one_waits_for_its_newline) {
  append("{\"n\": 1}\n{\"n\": 2}\n{\"n\":");
  EXPECT_EQ(read(), (std::vector<int>{1, 2}));
  EXPECT_EQ(read(), std::vector<int>{});
  append(" 3}\n");
  EXPECT_EQ(read(), std::vector<int>{3});
}

TEST_F(JsonLinesTailTest, lines_that_are_not_json_objects_are_skipped) {
  append("not json\n[1, 2]\n\n{\"n\": 4}\n");
  EXPECT_EQ(read(), std::vector<int>{4});
}

}  // namespace
}  // namespace harness::run
