#pragma once
// Which of the loaded scenarios `run` and `list` act on: `--tag`, `--filter`, `--shard`, `--durations`.
// Kept apart from the other options so that adding an option elsewhere does not touch these.
#include <filesystem>
#include <string>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/util/status.h"

namespace CLI {
class App;
}

namespace harness::cli {

struct Selection {
  // `--tag T` (repeatable): a scenario is kept when it has at least one of the tags given without `!` (when any
  // is given) and none of those given with `!` (`--tag '!slow'` leaves out every scenario tagged slow).
  std::vector<std::string> tags;
  std::vector<std::string> filters;   // `--filter GLOB` (repeatable): the name matches one (fnmatch(3) syntax)
  std::string shard;                  // `--shard K/N`, as written (parsed by select_scenarios)
  std::filesystem::path durations;    // `--durations FILE`: an earlier run's summary.json, its folder or a JUnit file
};

// Adds --tag, --filter, --shard and --durations to `app`, writing into `selection`.
void add_selection_options(CLI::App& app, Selection& selection);

// Whether a scenario with `tags` passes the `--tag` selectors.
bool tags_selected(const std::vector<std::string>& tags, const std::vector<std::string>& selectors);

// The scenarios the selection keeps, in their order: tags and filters first, then the shard of what is left
// (sharding after selecting keeps the shards of one selection balanced). k_invalid_input for a bad --shard or an
// unreadable --durations file. An empty result is not an error here: the caller says so.
util::Expected<std::vector<scenario::Scenario>> select_scenarios(std::vector<scenario::Scenario> scenarios,
                                                                 const Selection& selection);

}  // namespace harness::cli
