#include "harness/scenario/suggest.h"

#include <algorithm>

namespace harness::scenario {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  const std::string w = ascii_lower(word);
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    const std::string c = ascii_lower(candidate);
    const std::size_t distance = edit_distance(w, c);
    // An edit that rewrites the whole word ('b' -> 'w') is no suggestion; nor is a prefix of one or two letters.
    const bool close = distance <= 2 && distance < w.size();
    const bool prefix = std::min(w.size(), c.size()) >= 3 && (c.starts_with(w) || w.starts_with(c));
    if (!close && !prefix) continue;
    if (!best || distance < best_distance) {
      best = std::string(candidate);
      best_distance = distance;
    }
  }
  return best;
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  return closest_match(word, std::vector<std::string_view>(candidates.begin(), candidates.end()));
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  if (auto suggestion = closest_match(word, candidates)) return " (did you mean '" + *suggestion + "'?)";
  return "";
}

}  // namespace harness::scenario
