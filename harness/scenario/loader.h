#pragma once
// Loading and validating scenario files (YAML, or JSON read as YAML): the front door from a user's file to the
// plain structs of model.h.
//
// Contract: every problem in a file is reported, not only the first, each as a Diagnostic with file, line,
// column and what was expected; a file with any problem yields no Scenario. Nothing here throws for bad input.
// Top-level keys starting with "x-" are ignored, as Compose's extension fields, so they can hold YAML anchors.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/scenario/diagnostic.h"
#include "harness/scenario/duration.h"
#include "harness/scenario/model.h"

namespace harness::scenario {

struct LoadResult {
  std::optional<Scenario> scenario;     // set only when there are no diagnostics
  std::vector<Diagnostic> diagnostics;  // in file order
  bool ok() const { return scenario.has_value() && diagnostics.empty(); }
};

// An unreadable file gives one diagnostic, "FILE: cannot read: <strerror>". Scenario::file = path.
LoadResult load_scenario_file(const std::filesystem::path& path);

// `file_name` is used in diagnostics and as Scenario::file.
LoadResult load_scenario_text(const std::string& text, const std::string& file_name);

// Expands command-line arguments into scenario files, in argument order: a file is taken as it is (whatever its
// extension: the user named it); a folder gives its *.yaml, *.yml and *.json (not recursive, sorted by name,
// hidden files skipped). A path given twice is taken once. Problems are appended to `diagnostics`:
// "PATH: no such file or directory", "PATH: no scenario files (*.yaml, *.yml, *.json) in this folder",
// "PATH: cannot read: <strerror>".
std::vector<std::filesystem::path> collect_scenario_files(const std::vector<std::string>& args,
                                                          std::vector<Diagnostic>& diagnostics);

}  // namespace harness::scenario
