#pragma once
// Sharding a suite for a CI matrix: `--shard K/N` runs the K-th of N disjoint parts of the selected scenarios.
// Each machine of the matrix computes the same assignment from the same inputs (no coordination between them):
// every scenario is in exactly one shard, and the assignment depends only on the scenarios' names, their order and
// the durations given, never on the machine or the time.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "harness/util/status.h"

namespace harness::cli {

// `--shard K/N`: 1 <= K <= N. `index` is 1-based as written.
struct Shard {
  std::size_t index = 1;
  std::size_t count = 1;
};

// "2/4" -> {2, 4}. k_invalid_input otherwise, e.g.
// "--shard must be K/N with 1 <= K <= N, such as 2/4 (got '5/4')".
util::Expected<Shard> parse_shard(const std::string& text);

// Earlier durations by scenario name (seconds as a double: what summary.json stores).
using Durations = std::map<std::string, double>;

// Reads the durations of an earlier run: its summary.json (`scenarios[].name`, `duration_s`), a run folder
// holding one (reports/latest), or a JUnit file (`testsuite@name`, `@time`: a file `merge` wrote serves). A
// scenario that appears several times counts with its mean duration.
// k_invalid_input naming the file when it cannot be read or is not such a summary.
util::Expected<Durations> read_durations(const std::filesystem::path& path);

// The 0-based shard of each of `names` (same order), among `count` shards.
// With durations known for some scenario: greedy, longest first (ties by name), each scenario to the shard with the
// least wall time so far (ties: the lowest shard); a scenario without a known duration counts as the mean of the
// known ones. Without any: dealt round-robin in the order of a stable hash of the names (FNV-1a 64), so the
// shards' sizes differ by at most one.
std::vector<std::size_t> assign_shards(const std::vector<std::string>& names, std::size_t count,
                                       const Durations& durations);

}  // namespace harness::cli
