#include "harness/report/html_text.h"

#include <gtest/gtest.h>

namespace {
using harness::report::escape_html;
using harness::report::svg_number;

TEST(HtmlText, markup_characters_become_references) {
  EXPECT_EQ(escape_html(R"(<script>alert("x & 'y'")</script>)"),
            "&lt;script&gt;alert(&quot;x &amp; &#39;y&#39;&quot;)&lt;/script&gt;");
}

TEST(HtmlText, control_characters_and_invalid_utf8_are_made_visible) {
  EXPECT_EQ(escape_html(std::string("a\x1b[31mb\xff", 8)), "a\\x1B[31mb\xEF\xBF\xBD");
}

TEST(HtmlText, numbers_have_at_most_two_decimals) {
  EXPECT_EQ(svg_number(12.5), "12.5");
  EXPECT_EQ(svg_number(1400), "1400");
  EXPECT_EQ(svg_number(0.004), "0");
  EXPECT_EQ(svg_number(-0.001), "0");
  EXPECT_EQ(svg_number(1.239), "1.24");
}

}  // namespace
