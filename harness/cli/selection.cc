#include "harness/cli/selection.h"

#include <fnmatch.h>

#include <CLI/CLI.hpp>
#include <algorithm>

#include "harness/cli/shard.h"

namespace harness::cli {

namespace {
bool has_tag(const std::vector<std::string>& tags, const std::string& tag) {
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

bool name_selected(const std::string& name, const std::vector<std::string>& filters) {
  if (filters.empty()) return true;
  return std::any_of(filters.begin(), filters.end(),
                     [&](const std::string& glob) { return ::fnmatch(glob.c_str(), name.c_str(), 0) == 0; });
}
}  // namespace

void add_selection_options(CLI::App& app, Selection& selection) {
  app.add_option("--tag", selection.tags,
                 "Only scenarios with this tag (repeatable: any of them); '!T' leaves out those tagged T")
      ->allow_extra_args(false);  // one value per --tag: `--tag smoke scenarios/` leaves the folder a SCENARIO
  app.add_option("--filter", selection.filters,
                 "Only scenarios whose name matches this glob (repeatable: any of them), e.g. 'incident-*'")
      ->allow_extra_args(false);
  app.add_option("--shard", selection.shard,
                 "K/N: only the K-th of N shards of the selected scenarios (for a CI matrix; see --durations)");
  app.add_option("--durations", selection.durations,
                 "An earlier run's summary.json (or its folder, or a JUnit file) whose durations balance the shards "
                 "by wall time "
                 "(without it: by a hash of the names)");
}

bool tags_selected(const std::vector<std::string>& tags, const std::vector<std::string>& selectors) {
  bool any_wanted = false, wanted = false;
  for (const auto& selector : selectors) {
    if (!selector.empty() && selector[0] == '!') {
      if (has_tag(tags, selector.substr(1))) return false;
    } else {
      any_wanted = true;
      wanted |= has_tag(tags, selector);
    }
  }
  return !any_wanted || wanted;
}

util::Expected<std::vector<scenario::Scenario>> select_scenarios(std::vector<scenario::Scenario> scenarios,
                                                                 const Selection& selection) {
  std::erase_if(scenarios, [&](const scenario::Scenario& s) {
    return !tags_selected(s.tags, selection.tags) || !name_selected(s.name, selection.filters);
  });
  if (selection.shard.empty()) {
    if (!selection.durations.empty()) return util::Status::invalid("--durations is only used with --shard K/N");
    return scenarios;
  }
  const auto shard = parse_shard(selection.shard);
  if (!shard) return shard.error();
  Durations durations;
  if (!selection.durations.empty()) {
    auto read = read_durations(selection.durations);
    if (!read) return read.error();
    durations = std::move(*read);
  }
  std::vector<std::string> names;
  for (const auto& s : scenarios) names.push_back(s.name);
  const auto assigned = assign_shards(names, shard->count, durations);
  std::vector<scenario::Scenario> mine;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    if (assigned[i] == shard->index - 1) mine.push_back(std::move(scenarios[i]));
  }
  return mine;
}

}  // namespace harness::cli
