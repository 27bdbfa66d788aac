// The folders of harness/ form layers that point one way (harness/ARCHITECTURE.md, "Layers"): a file includes
// only its own folder and the folders below it. This test reads every source file's includes and fails on one
// that points up, so a new arrow the wrong way is caught where it is written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {
namespace fs = std::filesystem;

// Lowest first; folders on one line are peers (neither includes the other's folder through a lower one).
const std::vector<std::vector<std::string>> k_layers{
    {"util"}, {"process"}, {"net"}, {"scenario"}, {"history"}, {"datastore"}, {"driver", "health"}, {"stack"},
    {"fault", "check"}, {"report"}, {"run"}, {"cli"}};

std::map<std::string, int> layer_ranks() {
  std::map<std::string, int> ranks;
  for (int rank = 0; rank < static_cast<int>(k_layers.size()); ++rank)
    for (const auto& folder : k_layers[static_cast<std::size_t>(rank)]) ranks[folder] = rank;
  return ranks;
}

// "harness/fault/kill.cc includes harness/run/x.h" for every include of a higher (or unknown) folder.
std::vector<std::string> upward_includes(const fs::path& harness) {
  static const std::regex k_include(R"re(#include "harness/([a-z_]+)/)re");
  const auto ranks = layer_ranks();
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(harness)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".h" && ext != ".cc")) continue;
    const auto relative = fs::relative(entry.path(), harness);
    if (std::distance(relative.begin(), relative.end()) < 2) continue;  // main.cc, above every layer
    const std::string folder = relative.begin()->string();
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    for (std::sregex_iterator it(source.begin(), source.end(), k_include), end; it != end; ++it) {
      const std::string target = (*it)[1];
      if (target == folder) continue;
      const bool known = ranks.count(folder) && ranks.count(target);
      if (!known || ranks.at(target) > ranks.at(folder))
        found.push_back("harness/" + relative.string() + " includes harness/" + target + "/");
    }
  }
  return found;
}

TEST(Layers, no_file_of_harness_includes_a_folder_above_its_own) {
  const fs::path harness = fs::path(TESTS_DIR) / ".." / "harness";
  ASSERT_TRUE(fs::is_directory(harness)) << harness;
  EXPECT_EQ(upward_includes(harness), std::vector<std::string>{});
}

TEST(Layers, every_folder_of_harness_has_a_layer) {
  const auto ranks = layer_ranks();
  for (const auto& entry : fs::directory_iterator(fs::path(TESTS_DIR) / ".." / "harness")) {
    if (entry.is_directory()) {
      EXPECT_TRUE(ranks.count(entry.path().filename().string())) << entry.path();
    }
  }
}

}  // namespace
