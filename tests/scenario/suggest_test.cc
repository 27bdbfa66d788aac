// Spelling suggestions: which known word a misspelt one is taken for.
#include "harness/scenario/suggest.h"

#include <gtest/gtest.h>

namespace harness::scenario {
namespace {

TEST(SuggestTest, closest_match_finds_a_word_within_two_edits) {
  const std::vector<std::string_view> keys{"image", "kind", "replicas"};
  EXPECT_EQ(closest_match("imgae", keys), "image");
  EXPECT_EQ(closest_match("replcas", keys), "replicas");
  EXPECT_EQ(closest_match("IMAGE", keys), "image");  // case-insensitive, the candidate as written
}

TEST(SuggestTest, closest_match_takes_a_prefix_of_three_letters_or_more) {
  EXPECT_EQ(closest_match("rep", std::vector<std::string_view>{"image", "replicas"}), "replicas");
  EXPECT_EQ(closest_match("concurrency_limit", std::vector<std::string_view>{"concurrency"}), "concurrency");
}

TEST(SuggestTest, closest_match_offers_nothing_for_a_rewrite_or_a_distant_word) {
  EXPECT_EQ(closest_match("b", std::vector<std::string_view>{"w"}), std::nullopt);
  EXPECT_EQ(closest_match("xyzzy", std::vector<std::string_view>{"image", "kind"}), std::nullopt);
  EXPECT_EQ(closest_match("im", std::vector<std::string_view>{"image"}), std::nullopt);
}

TEST(SuggestTest, closest_match_prefers_the_nearer_then_the_earlier_candidate) {
  EXPECT_EQ(closest_match("pausd", std::vector<std::string_view>{"pass", "pause"}), "pause");
  EXPECT_EQ(closest_match("ab", std::vector<std::string>{"ax", "ay"}), "ax");
}

TEST(SuggestTest, did_you_mean_quotes_the_suggestion_or_says_nothing) {
  EXPECT_EQ(did_you_mean("brokr", {"broker", "worker"}), " (did you mean 'broker'?)");
  EXPECT_EQ(did_you_mean("zzz", {"broker", "worker"}), "");
}

TEST(SuggestTest, ascii_lower_lowers_only_ascii_capitals) {
  EXPECT_EQ(ascii_lower("TrUe-ON_1"), "true-on_1");
  EXPECT_EQ(ascii_lower("\xC3\x89t\xC3\xA9"), "\xC3\x89t\xC3\xA9");
}

}  // namespace
}  // namespace harness::scenario
