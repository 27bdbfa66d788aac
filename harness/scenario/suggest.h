#pragma once
// Spelling suggestions for messages ("unknown key 'imgae' (did you mean 'image'?)"): the closest of the words a
// reader knows to a word it does not. Case-insensitive, ASCII only (keys and kind names are ASCII).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harness::scenario {

// The closest candidate to `word` (case-insensitive) when it is within edit distance 2 (and not a rewrite of
// the whole word) or one is a prefix of the other (of 3 letters or more); ties go to the earlier candidate.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string_view>& candidates);
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// `s` with ASCII upper-case letters made lower-case (what the case-insensitive comparisons use).
std::string ascii_lower(std::string_view s);

}  // namespace harness::scenario
