#include "harness/report/console_text.h"

#include <gtest/gtest.h>

#include <string>

namespace {
using harness::report::last_lines;
using harness::report::terminal_text;
using namespace std::string_literals;

TEST(ConsoleText, keeps_printable_text_newlines_tabs_and_utf8) {
  const std::string text = "quote\" <tag>\tcaf\xC3\xA9 \xE2\x9C\x93\nnext line";
  EXPECT_EQ(terminal_text(text), text);
}

TEST(ConsoleText, control_characters_are_shown_not_sent) {
  EXPECT_EQ(terminal_text("esc:\x1B]0;owned\x07 red:\x1B[31m cr:\r nul:"s + '\0' + " del:\x7F"),
            "esc:\\x1B]0;owned\\x07 red:\\x1B[31m cr:\\x0D nul:\\x00 del:\\x7F");
}

TEST(ConsoleText, c1_controls_and_invalid_utf8_bytes_are_escaped) {
  EXPECT_EQ(terminal_text("csi:\xC2\x9B" "2J nbsp:\xC2\xA0"), "csi:\\u009B2J nbsp:\xC2\xA0");
  EXPECT_EQ(terminal_text("bad:\xFF\xC3 surrogate:\xED\xA0\x80"), "bad:\\xFF\\xC3 surrogate:\\xED\\xA0\\x80");
}

TEST(ConsoleText, last_lines_keeps_the_end_of_the_text) {
  EXPECT_EQ(last_lines("a\nb\nc\n", 2), "b\nc");
  EXPECT_EQ(last_lines("a\nb\nc", 2), "b\nc");
  EXPECT_EQ(last_lines("a\nb", 10), "a\nb");
  EXPECT_EQ(last_lines("a\nb", 0), "");
  EXPECT_EQ(last_lines("", 3), "");
}

}  // namespace
