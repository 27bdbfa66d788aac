// Ports read from the services' placeholders: a port or a clear error, never an exception or a wrapped number.
#include "harness/util/port.h"

#include <gtest/gtest.h>

namespace harness::util {
namespace {

TEST(ParsePort, reads_a_decimal_port) {
  EXPECT_EQ(parse_port("5672"), std::optional<std::uint16_t>{5672});
  EXPECT_EQ(parse_port("1"), std::optional<std::uint16_t>{1});
  EXPECT_EQ(parse_port("65535"), std::optional<std::uint16_t>{65535});
}

TEST(ParsePort, refuses_anything_but_a_port) {
  for (const char* bad : {"", "0", "65536", "70000", "-1", "+80", " 80", "80 ", "80x", "x", "99999999999999999999"})
    EXPECT_EQ(parse_port(bad), std::nullopt) << "'" << bad << "'";
}

TEST(PortPlaceholder, names_a_missing_or_bad_placeholder) {
  const std::map<std::string, std::string> table{{"broker.port", "5672"}, {"db.port", "abc"}};
  auto good = port_placeholder(table, "broker.port");
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 5672);
  auto missing = port_placeholder(table, "cache.port");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "no placeholder 'cache.port'");
  auto bad = port_placeholder(table, "db.port");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "placeholder 'db.port' is not a port: 'abc'");
}

}  // namespace
}  // namespace harness::util
