// --shard K/N: parsing, and the assignment of scenarios to shards (a partition, balanced by earlier durations).
#include "harness/cli/shard.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>

namespace harness::cli {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> suite(std::size_t n) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) names.push_back("scenario-" + std::to_string(i));
  return names;
}

TEST(ShardTest, parses_k_of_n) {
  const auto shard = parse_shard("2/4");
  ASSERT_TRUE(shard);
  EXPECT_EQ(shard->index, 2u);
  EXPECT_EQ(shard->count, 4u);
}

TEST(ShardTest, refuses_what_is_not_k_of_n_with_the_value_given) {
  for (const std::string bad : {"0/4", "5/4", "2", "2/", "/4", "a/b", "2/4x", "-1/4", "1/0", ""}) {
    const auto shard = parse_shard(bad);
    ASSERT_FALSE(shard) << bad;
    EXPECT_EQ(shard.error().kind(), util::ErrorKind::k_invalid_input);
    EXPECT_EQ(shard.error().message(), "--shard must be K/N with 1 <= K <= N, such as 2/4 (got '" + bad + "')");
  }
}

// Every scenario in exactly one shard: the union of the shards is the suite, and no two shards share one.
void expect_partition(const std::vector<std::size_t>& assigned, std::size_t count, std::size_t suite_size) {
  ASSERT_EQ(assigned.size(), suite_size);
  std::vector<std::set<std::size_t>> shards(count);
  for (std::size_t i = 0; i < assigned.size(); ++i) {
    ASSERT_LT(assigned[i], count);
    shards[assigned[i]].insert(i);
  }
  std::size_t total = 0;
  for (const auto& s : shards) total += s.size();
  EXPECT_EQ(total, suite_size);
}

TEST(ShardTest, shards_by_name_hash_partition_the_suite) {
  const auto names = suite(27);
  for (std::size_t count : {1u, 2u, 4u, 7u, 40u}) expect_partition(assign_shards(names, count, {}), count, 27);
}

TEST(ShardTest, shards_by_name_hash_do_not_depend_on_the_order_of_the_suite) {
  auto names = suite(10);
  const auto forward = assign_shards(names, 4, {});
  std::reverse(names.begin(), names.end());
  auto backward = assign_shards(names, 4, {});
  std::reverse(backward.begin(), backward.end());
  EXPECT_EQ(forward, backward);
}

TEST(ShardTest, shards_by_name_hash_differ_in_size_by_at_most_one) {
  for (std::size_t count : {2u, 3u, 4u, 7u}) {
    const auto assigned = assign_shards(suite(27), count, {});
    std::vector<int> sizes(count, 0);
    for (const auto shard : assigned) ++sizes[shard];
    EXPECT_LE(*std::max_element(sizes.begin(), sizes.end()) - *std::min_element(sizes.begin(), sizes.end()), 1)
        << count << " shards";
  }
}

TEST(ShardTest, durations_balance_the_shards_longest_first) {
  const std::vector<std::string> names{"a", "b", "c", "d", "e", "f"};
  const Durations durations{{"a", 100}, {"b", 60}, {"c", 50}, {"d", 40}, {"e", 30}, {"f", 20}};
  const auto assigned = assign_shards(names, 2, durations);
  expect_partition(assigned, 2, names.size());
  std::vector<double> load(2, 0);
  for (std::size_t i = 0; i < names.size(); ++i) load[assigned[i]] += durations.at(names[i]);
  // Greedy longest-first, each to the lighter shard: a | b, c | d | e | f (a tie: the first shard).
  EXPECT_EQ(assigned, (std::vector<std::size_t>{0, 1, 1, 0, 1, 0}));
  EXPECT_EQ(load[0], 160);
  EXPECT_EQ(load[1], 140);
}

TEST(ShardTest, a_scenario_without_a_duration_counts_as_the_mean_of_the_known_ones) {
  const std::vector<std::string> names{"long", "new-1", "new-2", "short"};
  const Durations durations{{"long", 90}, {"short", 10}};  // mean 50
  const auto assigned = assign_shards(names, 2, durations);
  expect_partition(assigned, 2, names.size());
  // long 90 | new-1 50, new-2 50 | short 10: 100 and 100.
  EXPECT_EQ(assigned, (std::vector<std::size_t>{0, 1, 1, 0}));
}

TEST(ShardTest, reads_mean_durations_from_a_summary_of_an_earlier_run) {
  const fs::path dir = fs::temp_directory_path() / ("celery-chaos-durations-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "summary.json") << R"({"passed": true, "scenarios": [
    {"name": "smoke", "duration_s": 6.5}, {"name": "smoke", "duration_s": 7.5},
    {"name": "disk", "duration_s": 40.25}, {"name": "not-run"}]})";
  const auto from_folder = read_durations(dir);
  const auto from_file = read_durations(dir / "summary.json");
  std::ofstream(dir / "other.json") << "[1, 2]";
  const auto not_a_summary = read_durations(dir / "other.json");
  const auto missing = read_durations(dir / "missing.json");
  fs::remove_all(dir);
  ASSERT_TRUE(from_folder);
  EXPECT_EQ(*from_folder, (Durations{{"disk", 40.25}, {"smoke", 7.0}}));
  ASSERT_TRUE(from_file);
  EXPECT_EQ(*from_file, *from_folder);
  ASSERT_FALSE(not_a_summary);
  EXPECT_EQ(not_a_summary.error().message(),
            "--durations: " + (dir / "other.json").string() + " is not a summary.json of a run (no \"scenarios\" list)");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "--durations: cannot read " + (dir / "missing.json").string());
}

TEST(ShardTest, reads_durations_from_a_junit_file) {
  const fs::path file = fs::temp_directory_path() / ("celery-chaos-durations-" + std::to_string(::getpid()) + ".xml");
  std::ofstream(file) << R"(<?xml version="1.0"?><testsuites><testsuite name="smoke" time="6.500"/>
    <testsuite name="disk" time="40.250"><testcase name="x" time="1"/></testsuite></testsuites>)";
  const auto durations = read_durations(file);
  std::ofstream(file) << "<testsuites";
  const auto broken = read_durations(file);
  fs::remove(file);
  ASSERT_TRUE(durations) << durations.error().message();
  EXPECT_EQ(*durations, (Durations{{"disk", 40.25}, {"smoke", 6.5}}));
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().message(), "--durations: " + file.string() + " is neither a summary.json nor JUnit XML");
}

}  // namespace
}  // namespace harness::cli
