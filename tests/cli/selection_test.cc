// --tag, --filter and --shard, as `celery-chaos list` applies them (cli_main), and the tag rule alone.
#include "harness/cli/selection.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "harness/cli/cli.h"

namespace harness::cli {
namespace {

namespace fs = std::filesystem;

struct Result {
  int exit_code;
  std::string out, err;
};

Result cli(std::vector<std::string> words) {
  words.insert(words.begin(), "celery-chaos");
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int code = cli_main(static_cast<int>(argv.size()), argv.data());
  std::string out = ::testing::internal::GetCapturedStdout();
  return Result{code, std::move(out), ::testing::internal::GetCapturedStderr()};
}

// The names `list` printed (its lines that do not start with a space), in order.
std::vector<std::string> listed(const std::string& out) {
  std::vector<std::string> names;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != ' ') names.push_back(line.substr(0, line.find(' ')));
  }
  return names;
}

class SelectionTest : public ::testing::Test {
protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("celery-chaos-selection-" + std::to_string(::getpid()));
    fs::create_directories(m_dir);
    add("smoke", "[smoke]");
    add("disk-alarm-during-load", "[broker, slow]");
    add("incident-001", "[incident]");
    add("incident-002", "[incident, slow]");
    add("plain", "[]");
  }
  void TearDown() override { fs::remove_all(m_dir); }
  void add(const std::string& name, const std::string& tags) {
    std::ofstream(m_dir / (name + ".yaml")) << "name: " << name << "\ntags: " << tags
                                            << "\nservices:\n  results: {image: redis}\n";
  }
  std::vector<std::string> list(std::vector<std::string> options) {
    options.insert(options.begin(), "list");
    options.push_back(m_dir.string());
    const Result r = cli(options);
    EXPECT_EQ(r.exit_code, k_exit_passed) << r.err;
    return listed(r.out);
  }
  fs::path m_dir;
};

TEST(TagsSelectedTest, positive_tags_are_any_of_and_negated_tags_exclude) {
  EXPECT_TRUE(tags_selected({"a"}, {}));
  EXPECT_TRUE(tags_selected({}, {}));
  EXPECT_TRUE(tags_selected({"a", "b"}, {"b", "c"}));
  EXPECT_FALSE(tags_selected({"a"}, {"b"}));
  EXPECT_FALSE(tags_selected({}, {"b"}));
  EXPECT_TRUE(tags_selected({"a"}, {"!slow"}));
  EXPECT_FALSE(tags_selected({"a", "slow"}, {"!slow"}));
  EXPECT_FALSE(tags_selected({"a", "slow"}, {"a", "!slow"}));
}

TEST_F(SelectionTest, list_without_selection_prints_every_scenario) {
  EXPECT_EQ(list({}).size(), 5u);
}

TEST_F(SelectionTest, list_keeps_the_tagged_scenarios) {
  EXPECT_EQ(list({"--tag", "incident"}), (std::vector<std::string>{"incident-001", "incident-002"}));
  EXPECT_EQ(list({"--tag", "incident", "--tag", "smoke"}),
            (std::vector<std::string>{"incident-001", "incident-002", "smoke"}));
}

TEST_F(SelectionTest, list_leaves_out_a_negated_tag) {
  EXPECT_EQ(list({"--tag", "!slow"}), (std::vector<std::string>{"incident-001", "plain", "smoke"}));
  EXPECT_EQ(list({"--tag", "incident", "--tag", "!slow"}), (std::vector<std::string>{"incident-001"}));
}

TEST_F(SelectionTest, list_filters_names_by_glob) {
  EXPECT_EQ(list({"--filter", "incident-*"}), (std::vector<std::string>{"incident-001", "incident-002"}));
  EXPECT_EQ(list({"--filter", "*load", "--filter", "sm?ke"}),
            (std::vector<std::string>{"disk-alarm-during-load", "smoke"}));
}

TEST_F(SelectionTest, list_shards_partition_the_selected_scenarios) {
  std::multiset<std::string> seen;
  for (int k = 1; k <= 3; ++k) {
    for (const auto& name : list({"--shard", std::to_string(k) + "/3"})) seen.insert(name);
  }
  EXPECT_EQ(seen, (std::multiset<std::string>{"disk-alarm-during-load", "incident-001", "incident-002", "plain",
                                              "smoke"}));
}

TEST_F(SelectionTest, list_shards_balance_by_the_durations_of_an_earlier_run) {
  std::ofstream(m_dir / "summary.json.txt") << R"({"scenarios": [{"name": "disk-alarm-during-load",
    "duration_s": 100}, {"name": "incident-001", "duration_s": 30}, {"name": "incident-002", "duration_s": 40},
    {"name": "plain", "duration_s": 20}, {"name": "smoke", "duration_s": 10}]})";
  const std::string durations = (m_dir / "summary.json.txt").string();
  EXPECT_EQ(list({"--shard", "1/2", "--durations", durations}),
            (std::vector<std::string>{"disk-alarm-during-load"}));
  EXPECT_EQ(list({"--shard", "2/2", "--durations", durations}),
            (std::vector<std::string>{"incident-001", "incident-002", "plain", "smoke"}));
}

TEST_F(SelectionTest, a_bad_shard_is_exit_2_with_the_rule) {
  const Result r = cli({"list", "--shard", "3/2", m_dir.string()});
  EXPECT_EQ(r.exit_code, k_exit_usage);
  EXPECT_EQ(r.err, "celery-chaos: --shard must be K/N with 1 <= K <= N, such as 2/4 (got '3/2')\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(SelectionTest, durations_without_a_shard_is_exit_2) {
  const Result r = cli({"list", "--durations", "x.json", m_dir.string()});
  EXPECT_EQ(r.exit_code, k_exit_usage);
  EXPECT_EQ(r.err, "celery-chaos: --durations is only used with --shard K/N\n");
}

}  // namespace
}  // namespace harness::cli
