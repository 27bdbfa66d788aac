#include "harness/driver/placeholders.h"

#include <gtest/gtest.h>

namespace {
using harness::driver::expand_placeholders;

const harness::driver::PlaceholderTable k_table = {
    {"broker.url", "amqp://u:p@127.0.0.1:5672//"}, {"db.port", "5433"}, {"worker.nodes", "w-1@cc w-2@cc"}};

TEST(Placeholders, expands_every_occurrence) {
  auto out = expand_placeholders("redis-cli -p {{db.port}} {{ db.port }} {{worker.nodes}}", k_table);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, "redis-cli -p 5433 5433 w-1@cc w-2@cc");
}

TEST(Placeholders, leaves_text_without_placeholders_alone) {
  EXPECT_EQ(*expand_placeholders("echo {not one} }}{{", k_table), "echo {not one} }}{{");
}

TEST(Placeholders, unknown_key_is_invalid_input_with_a_suggestion) {
  auto out = expand_placeholders("{{brokr.url}}", k_table);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().message(), "unknown placeholder {{brokr.url}} (did you mean {{broker.url}}?)");
  EXPECT_EQ(out.error().kind(), harness::util::ErrorKind::k_invalid_input);
}

TEST(Placeholders, unknown_key_with_nothing_close_has_no_suggestion) {
  auto out = expand_placeholders("{{ledger.password}}", k_table);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().message(), "unknown placeholder {{ledger.password}}");
}

}  // namespace
