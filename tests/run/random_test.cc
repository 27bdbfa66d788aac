#include "harness/run/random.h"

#include <gtest/gtest.h>

#include <vector>

namespace harness::run {
namespace {

std::vector<std::uint64_t> draws(Random& random, int n) {
  std::vector<std::uint64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(i % 2 ? random.next() : random.below(10));
  return out;
}

TEST(RandomTest, the_same_seed_gives_the_same_sequence) {
  Random a(42), b(42);
  EXPECT_EQ(draws(a, 20), draws(b, 20));
  EXPECT_EQ(a.seed(), 42u);
}

TEST(RandomTest, another_seed_gives_another_sequence) {
  Random a(42), b(43);
  EXPECT_NE(draws(a, 20), draws(b, 20));
}

TEST(RandomTest, below_stays_in_its_range) {
  Random random(7);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(random.below(3), 3u);
}

TEST(RandomTest, a_chosen_seed_is_never_zero) {
  for (int i = 0; i < 100; ++i) EXPECT_NE(choose_seed(), 0u);
}

}  // namespace
}  // namespace harness::run
