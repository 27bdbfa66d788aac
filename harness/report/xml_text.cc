#include "harness/report/xml_text.h"

#include <cstdio>

#include "harness/util/utf8.h"

namespace harness::report {

namespace {

using util::utf8_sequence;

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";  // U+FFFD

std::string sanitize(std::string_view in, bool normalise_line_ends) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == '\r' && normalise_line_ends) {
      out += '\n';
      i += (i + 1 < in.size() && in[i + 1] == '\n') ? 2 : 1;
    } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", static_cast<unsigned>(c));
      out += escaped;
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else if (const int length = utf8_sequence(in, i); length < 0) {
      out += k_replacement;
      i += static_cast<std::size_t>(-length);
    } else {
      const std::string_view sequence = in.substr(i, static_cast<std::size_t>(length));
      const bool non_character = sequence == "\xEF\xBF\xBE" || sequence == "\xEF\xBF\xBF";  // U+FFFE, U+FFFF
      out += non_character ? k_replacement : sequence;
      i += static_cast<std::size_t>(length);
    }
  }
  return out;
}

}  // namespace

std::string sanitize_xml_attribute(std::string_view text) { return sanitize(text, false); }

std::string ascii_xml(std::string_view document) {
  std::string out;
  out.reserve(document.size());
  for (std::size_t i = 0; i < document.size();) {
    const auto c = static_cast<unsigned char>(document[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    const int length = utf8_sequence(document, i);
    if (length < 0) {  // not expected after sanitize(); kept visible rather than dropped
      out += "&#xFFFD;";
      i += static_cast<std::size_t>(-length);
      continue;
    }
    // The payload bits of the lead byte, then six bits of each continuation byte.
    unsigned code_point = c & (0xFFu >> (length + 1));
    for (int k = 1; k < length; ++k) code_point = (code_point << 6) | (static_cast<unsigned char>(document[i + k]) & 0x3Fu);
    char reference[16];
    std::snprintf(reference, sizeof reference, "&#x%X;", code_point);
    out += reference;
    i += static_cast<std::size_t>(length);
  }
  return out;
}
std::string sanitize_xml_text(std::string_view text) { return sanitize(text, true); }

}  // namespace harness::report
