#pragma once
// Arbitrary bytes (service logs, probe output, check messages) as HTML text or attribute values: the markup
// characters & < > " ' become character references, and what XML 1.0 cannot carry (control characters,
// invalid UTF-8) is replaced as report/xml_text.h says, so a log can never break out of its element.
#include <string>
#include <string_view>

namespace harness::report {

std::string escape_html(std::string_view text);

// A number as SVG coordinates want it: at most two decimals, no exponent ("12.5", "0", "1400").
std::string svg_number(double value);

}  // namespace harness::report
