#pragma once
// Making arbitrary bytes (service logs, command output, user-written names) fit in XML 1.0.
//
// pugixml escapes the markup characters (& < > " ') itself, differently for text and attributes, but writes
// whatever else it is given: control characters come out as "&#01;", which no XML 1.0 parser accepts, and
// invalid UTF-8 goes through as is. These functions remove what XML 1.0 cannot carry at all, so that a
// parser reads back exactly the sanitised string:
//  - C0 control characters other than tab, newline and carriage return, and DEL, become "\xNN" (visible, and
//    a NUL does not end the string early);
//  - each maximal ill-formed UTF-8 subsequence (stray continuation bytes, truncated sequences, overlong forms,
//    encoded surrogates, code points above U+10FFFF) becomes one U+FFFD, as Unicode 15 section 3.9 and the
//    WHATWG decoder do;
//  - the non-characters U+FFFE and U+FFFF become U+FFFD.
#include <string>
#include <string_view>

namespace harness::report {

// For attribute values: tab, newline and carriage return are kept (pugixml writes them as &#9; &#10; &#13;,
// which survive attribute-value normalisation).
std::string sanitize_xml_attribute(std::string_view text);

// For element text: as sanitize_xml_attribute, and line ends become "\n" ("\r\n" and a lone "\r"), because
// pugixml writes a carriage return in text raw and every XML parser turns a raw one into "\n" on reading.
std::string sanitize_xml_text(std::string_view text);

// `document` (well-formed UTF-8 XML whose element and attribute names are ASCII) with every other character
// written as a character reference ("&#xFFFD;"): the file is then ASCII, which every encoding guesser reads
// right. xunit-viewer guesses with detect-file-encoding-and-language, which takes any U+FFFD in a file for a
// decoding failure, calls the file CP1252 and then crashes (Node has no such Buffer encoding).
std::string ascii_xml(std::string_view document);

}  // namespace harness::report
