#include "harness/scenario/version_spec.h"

#include <array>
#include <cctype>
#include <tuple>

namespace harness::scenario {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char by) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto at = text.find(by, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

// A version as comparable parts: its numeric release, then the rank of its suffix (dev 0, a 1, b 2, rc 3, none 4,
// post 5) and the suffix's number.
struct Parsed {
  std::vector<long> release;
  int suffix_rank = 4;
  long suffix_number = 0;
};

Parsed parse(std::string_view text) {
  Parsed parsed;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) break;
    long n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) n = n * 10 + (text[i++] - '0');
    parsed.release.push_back(n);
    if (i < text.size() && text[i] == '.' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])))
      ++i;
    else
      break;
  }
  std::string suffix(text.substr(i));
  while (!suffix.empty() && (suffix.front() == '.' || suffix.front() == '-' || suffix.front() == '_')) suffix.erase(0, 1);
  static const std::array<std::pair<std::string_view, int>, 6> k_suffixes{
      {{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2}, {"rc", 3}}};
  if (suffix.starts_with("post")) {
    parsed.suffix_rank = 5;
    suffix.erase(0, 4);
  } else {
    for (const auto& [word, rank] : k_suffixes) {
      if (suffix.starts_with(word)) {
        parsed.suffix_rank = rank;
        suffix.erase(0, word.size());
        break;
      }
    }
  }
  if (parsed.suffix_rank != 4) {
    long n = 0;
    for (char c : suffix) {
      if (!std::isdigit(static_cast<unsigned char>(c))) break;
      n = n * 10 + (c - '0');
    }
    parsed.suffix_number = n;
  }
  while (!parsed.release.empty() && parsed.release.back() == 0) parsed.release.pop_back();  // 5.4 == 5.4.0
  return parsed;
}

constexpr std::array<std::string_view, 6> k_operators{"<=", ">=", "==", "!=", "<", ">"};

struct Clause {
  std::string_view op;
  std::string_view version;
};

std::optional<Clause> parse_clause(std::string_view text) {
  text = trim(text);
  for (auto op : k_operators) {
    if (!text.starts_with(op)) continue;
    const auto version = trim(text.substr(op.size()));
    if (version.empty() || !std::isdigit(static_cast<unsigned char>(version.front()))) return std::nullopt;
    if (version.find_first_of("<>=! ,") != std::string_view::npos) return std::nullopt;
    if (version.ends_with(".*") && op != "==" && op != "!=") return std::nullopt;
    return Clause{op, version};
  }
  return std::nullopt;
}

bool holds(std::string_view version, const Clause& clause) {
  if (clause.version.ends_with(".*")) {
    const auto prefix = clause.version.substr(0, clause.version.size() - 1);  // "5.5."
    const bool match = (std::string(version) + ".").starts_with(prefix);
    return clause.op == "==" ? match : !match;
  }
  const int c = compare_versions(version, clause.version);
  if (clause.op == "<") return c < 0;
  if (clause.op == "<=") return c <= 0;
  if (clause.op == ">") return c > 0;
  if (clause.op == ">=") return c >= 0;
  if (clause.op == "==") return c == 0;
  return c != 0;
}

}  // namespace

const std::vector<std::string_view>& version_components() {
  static const std::vector<std::string_view> k_components{"celery", "kombu",  "amqp",  "redis-py",
                                                          "rabbitmq", "erlang", "redis", "postgresql"};
  return k_components;
}

int compare_versions(std::string_view a, std::string_view b) {
  const Parsed x = parse(a), y = parse(b);
  const auto key = [](const Parsed& p) { return std::tie(p.release, p.suffix_rank, p.suffix_number); };
  return key(x) < key(y) ? -1 : (key(x) == key(y) ? 0 : 1);
}

std::string version_spec_error(std::string_view spec) {
  if (trim(spec).empty()) return "an empty version spec (expected a comparison such as <5.4, >=3.13,<4 or ==5.5.*)";
  for (auto clause : split(spec, ','))
    if (!parse_clause(clause))
      return "'" + std::string(trim(clause)) + "' is not a comparison such as <5.4, >=3.13,<4 or ==5.5.*";
  return {};
}

bool version_matches(std::string_view version, std::string_view spec) {
  for (auto text : split(spec, ',')) {
    const auto clause = parse_clause(text);
    if (!clause || !holds(version, *clause)) return false;
  }
  return true;
}

}  // namespace harness::scenario
