#include "harness/cli/shard.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <numeric>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

namespace harness::cli {

namespace {
namespace fs = std::filesystem;

bool parse_size(std::string_view text, std::size_t& value) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size();
}

// FNV-1a, 64 bits: fixed by its definition, so every machine of a CI matrix computes the same value.
std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::vector<std::size_t> assign_by_time(const std::vector<std::string>& names, std::size_t count,
                                        const std::vector<double>& seconds) {
  std::vector<std::size_t> order(names.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (seconds[a] != seconds[b]) return seconds[a] > seconds[b];
    return names[a] < names[b];
  });
  std::vector<double> load(count, 0.0);
  std::vector<std::size_t> shard(names.size(), 0);
  for (const std::size_t i : order) {
    const auto least = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    shard[i] = least;
    load[least] += seconds[i];
  }
  return shard;
}

// A JUnit file's suites: one per scenario run, `time` its duration (a merged file of all shards serves too).
util::Expected<Durations> junit_durations(const fs::path& path) {
  pugi::xml_document doc;
  if (!doc.load_file(path.c_str())) {
    return util::Status::invalid("--durations: " + path.string() + " is neither a summary.json nor JUnit XML");
  }
  std::map<std::string, std::pair<double, int>> sums;
  for (const auto& node : doc.select_nodes("//testsuite[@name and @time]")) {
    auto& [sum, n] = sums[node.node().attribute("name").value()];
    sum += node.node().attribute("time").as_double();
    ++n;
  }
  Durations durations;
  for (const auto& [name, sum_n] : sums) durations[name] = sum_n.first / sum_n.second;
  return durations;
}

// Dealt round-robin in the order of their hashes: the shards' sizes differ by at most one, and which scenarios
// share a shard looks random (not the alphabet's neighbours, which tend to be alike and equally slow).
std::vector<std::size_t> assign_by_hash(const std::vector<std::string>& names, std::size_t count) {
  std::vector<std::size_t> order(names.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto ha = stable_hash(names[a]), hb = stable_hash(names[b]);
    return ha != hb ? ha < hb : names[a] < names[b];
  });
  std::vector<std::size_t> shard(names.size(), 0);
  for (std::size_t k = 0; k < order.size(); ++k) shard[order[k]] = k % count;
  return shard;
}
}  // namespace

util::Expected<Shard> parse_shard(const std::string& text) {
  const auto bad = [&text] {
    return util::Status::invalid("--shard must be K/N with 1 <= K <= N, such as 2/4 (got '" + text + "')");
  };
  const auto slash = text.find('/');
  if (slash == std::string::npos) return bad();
  Shard shard;
  if (!parse_size(std::string_view(text).substr(0, slash), shard.index) ||
      !parse_size(std::string_view(text).substr(slash + 1), shard.count)) {
    return bad();
  }
  if (shard.index < 1 || shard.count < 1 || shard.index > shard.count) return bad();
  return shard;
}

util::Expected<Durations> read_durations(const fs::path& given) {
  const fs::path path = fs::is_directory(given) ? given / "summary.json" : given;
  std::ifstream in(path);
  if (!in) return util::Status::invalid("--durations: cannot read " + path.string());
  if (in.peek() == '<') return junit_durations(path);
  const auto json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("scenarios") || !json["scenarios"].is_array()) {
    return util::Status::invalid("--durations: " + path.string() +
                                       " is not a summary.json of a run (no \"scenarios\" list)");
  }
  std::map<std::string, std::pair<double, int>> sums;
  for (const auto& s : json["scenarios"]) {
    if (!s.is_object() || !s.contains("name") || !s["name"].is_string() || !s.contains("duration_s") ||
        !s["duration_s"].is_number()) {
      continue;  // a scenario that never ran has no duration worth balancing on
    }
    auto& [sum, n] = sums[s["name"].get<std::string>()];
    sum += s["duration_s"].get<double>();
    ++n;
  }
  Durations durations;
  for (const auto& [name, sum_n] : sums) durations[name] = sum_n.first / sum_n.second;
  return durations;
}

std::vector<std::size_t> assign_shards(const std::vector<std::string>& names, std::size_t count,
                                       const Durations& durations) {
  if (count == 0) count = 1;
  double known_sum = 0;
  int known = 0;
  for (const auto& name : names) {
    if (const auto it = durations.find(name); it != durations.end()) {
      known_sum += it->second;
      ++known;
    }
  }
  if (known == 0) return assign_by_hash(names, count);
  std::vector<double> seconds;
  for (const auto& name : names) {
    const auto it = durations.find(name);
    seconds.push_back(it != durations.end() ? it->second : known_sum / known);
  }
  return assign_by_time(names, count, seconds);
}

}  // namespace harness::cli
