#include "harness/util/utf8.h"

#include <gtest/gtest.h>

namespace harness::util {
namespace {

TEST(Utf8Sequence, gives_the_length_of_a_well_formed_sequence) {
  EXPECT_EQ(utf8_sequence("\xC3\xA9", 0), 2);          // é
  EXPECT_EQ(utf8_sequence("\xE2\x82\xAC", 0), 3);      // €
  EXPECT_EQ(utf8_sequence("\xF0\x9F\x98\x80", 0), 4);  // 😀
  EXPECT_EQ(utf8_sequence("a\xC3\xA9", 1), 2);
}

TEST(Utf8Sequence, gives_minus_the_maximal_subpart_of_an_ill_formed_one) {
  EXPECT_EQ(utf8_sequence("\x80", 0), -1);              // a continuation byte without a lead
  EXPECT_EQ(utf8_sequence("\xC0\xAF", 0), -1);          // an overlong lead
  EXPECT_EQ(utf8_sequence("\xE0\x80\x80", 0), -1);      // overlong: second byte below A0
  EXPECT_EQ(utf8_sequence("\xED\xA0\x80", 0), -1);      // a surrogate
  EXPECT_EQ(utf8_sequence("\xF4\x90\x80\x80", 0), -1);  // above U+10FFFF
  EXPECT_EQ(utf8_sequence("\xE2\x82", 0), -2);          // truncated at the end
  EXPECT_EQ(utf8_sequence("\xF0\x9F\x98x", 0), -3);     // cut by an ASCII byte
}

}  // namespace
}  // namespace harness::util
