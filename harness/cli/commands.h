#pragma once
// The subcommands' bodies. The table that maps names to them lives in cli.cc.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/selection.h"

namespace harness::cli {

struct GlobalOptions {
  std::filesystem::path report_dir = "reports";
  bool keep = false;
  bool verbose = false;
  bool quiet = false;  // --quiet: one line per scenario
  int repeat = 1;       // --repeat N: each scenario N times, fresh services each time (report/repeats.h)
  bool prestart = true;  // boot the next scenario's broker while one runs (run/prestart.h)
  std::optional<std::uint64_t> seed;  // --seed N: every scenario's seed (run/random.h)
  Selection selection;                // --tag, --filter, --shard, --durations (cli/selection.h)
  std::string driver = "local";       // --driver local|docker: where the services run
  std::string image;                  // --image: the docker driver's image (default: driver::DockerOptions's)
};

int run_command(const std::vector<std::string>& scenarios, const GlobalOptions& options);
int validate_command(const std::vector<std::string>& scenarios);
// `merge OUT.xml IN.xml...` (report/junit_merge.h): 0 written, 2 a bad input or fewer than two files, 3 OUT not
// written.
int merge_command(const std::vector<std::string>& files);
int list_command(const std::vector<std::string>& scenarios, const GlobalOptions& options);

}  // namespace harness::cli
