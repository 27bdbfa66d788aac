#include "harness/report/xml_text.h"

#include <gtest/gtest.h>

#include <string>

namespace {
using harness::report::sanitize_xml_attribute;
using harness::report::sanitize_xml_text;

const std::string k_fffd = "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER

TEST(XmlText, keeps_printable_ascii_and_valid_utf8_unchanged) {
  const std::string text = "quote\" apos' <tag> & ]]> caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x90\x87 \xEF\xBF\xBD";
  EXPECT_EQ(sanitize_xml_attribute(text), text);
  EXPECT_EQ(sanitize_xml_text(text), text);
}

TEST(XmlText, control_characters_become_visible_hex_escapes) {
  using namespace std::string_literals;
  EXPECT_EQ(sanitize_xml_text("nul:\0 bell:\x07 esc:\x1B[31mred\x1B[0m del:\x7F"s),
            "nul:\\x00 bell:\\x07 esc:\\x1B[31mred\\x1B[0m del:\\x7F");
}

TEST(XmlText, attributes_keep_tab_newline_and_carriage_return) {
  EXPECT_EQ(sanitize_xml_attribute("a\tb\nc\rd\r\ne"), "a\tb\nc\rd\r\ne");
}

TEST(XmlText, text_normalises_line_ends_as_an_xml_parser_would) {
  EXPECT_EQ(sanitize_xml_text("a\tb\nc\rd\r\ne\r"), "a\tb\nc\nd\ne\n");
}

TEST(XmlText, each_invalid_utf8_byte_or_truncated_sequence_becomes_one_replacement_character) {
  EXPECT_EQ(sanitize_xml_text("\xFF\xFE"), k_fffd + k_fffd);                   // never valid bytes
  EXPECT_EQ(sanitize_xml_text("a\x80z"), "a" + k_fffd + "z");                  // a stray continuation byte
  EXPECT_EQ(sanitize_xml_text("\xE2\x9C" "z"), k_fffd + "z");                  // truncated: one for the subpart
  EXPECT_EQ(sanitize_xml_text("end\xF0\x9F\x90"), "end" + k_fffd);             // truncated at the end
  EXPECT_EQ(sanitize_xml_text("\xC0\xAF"), k_fffd + k_fffd);                   // overlong '/'
  EXPECT_EQ(sanitize_xml_text("\xE0\x80\xAF"), k_fffd + k_fffd + k_fffd);      // overlong, three bytes
  EXPECT_EQ(sanitize_xml_text("\xF4\x90\x80\x80"), k_fffd + k_fffd + k_fffd + k_fffd);  // above U+10FFFF
}

TEST(XmlText, encoded_surrogates_are_replaced) {
  EXPECT_EQ(sanitize_xml_text("\xED\xA0\x80"), k_fffd + k_fffd + k_fffd);  // U+D800, as Unicode 3.9 decodes it
  EXPECT_EQ(sanitize_xml_text("\xED\x9F\xBF"), "\xED\x9F\xBF");            // U+D7FF, just below, is fine
}

TEST(XmlText, non_characters_fffe_and_ffff_become_one_replacement_character_each) {
  EXPECT_EQ(sanitize_xml_text("\xEF\xBF\xBE|\xEF\xBF\xBF"), k_fffd + "|" + k_fffd);
}

TEST(XmlText, ascii_xml_writes_every_other_character_as_a_reference) {
  using harness::report::ascii_xml;
  EXPECT_EQ(ascii_xml("<a b=\"caf\xC3\xA9\">\xE2\x9C\x93 \xF0\x9F\x90\x87 \xEF\xBF\xBD &amp;</a>\n"),
            "<a b=\"caf&#xE9;\">&#x2713; &#x1F407; &#xFFFD; &amp;</a>\n");
  EXPECT_EQ(ascii_xml("plain"), "plain");
}

TEST(XmlText, empty_stays_empty) {
  EXPECT_EQ(sanitize_xml_text(""), "");
  EXPECT_EQ(sanitize_xml_attribute(""), "");
}

}  // namespace
