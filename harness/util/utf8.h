#pragma once
// Reading UTF-8 one sequence at a time, for the functions that make outside text safe to print or store
// (report/xml_text.h, report/console_text.h).
#include <cstddef>
#include <string_view>

namespace harness::util {

// The length of the well-formed UTF-8 sequence at s[i] (Unicode Table 3-7: no overlong forms, no surrogates,
// nothing above U+10FFFF), or, when it is ill-formed, minus the length of its maximal subpart (at least 1),
// which is what one U+FFFD replaces. Requires i < s.size().
int utf8_sequence(std::string_view s, std::size_t i);

}  // namespace harness::util
