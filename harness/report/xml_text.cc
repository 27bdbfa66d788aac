#include "harness/report/xml_text.h"

#include <cstdio>

namespace harness::report {

namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the well-formed UTF-8 sequence at s[i] (Unicode Table 3-7), or, when it is ill-formed, minus
// the length of its maximal subpart (at least 1), which is what one U+FFFD replaces.
int utf8_sequence(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  int length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte; later bytes are always 80..BF
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return -1;  // a continuation byte without a lead, C0, C1 or F5..FF
  }
  for (int k = 1; k < length; ++k) {
    if (i + k >= s.size()) return -k;
    const unsigned char b = byte(i + k);
    if (k == 1 ? (b < low || b > high) : (b < 0x80 || b > 0xBF)) return -k;
  }
  return length;
}

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
