#pragma once
// The subcommands' bodies. The table that maps names to them lives in cli.cc.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/selection.h"
#include "harness/report/html_report.h"
#include "harness/report/scenario_report.h"

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
  std::string driver = "local";       // --driver local|docker|swarm: where the services run
  std::string swarm = "own";          // --swarm own|existing: the swarm driver's swarm (driver::DockerOptions)
  std::string image;                  // --image: the docker driver's image (default: driver::DockerOptions's)
  std::string pull = "loopback";      // --pull loopback|any|never: which absent images the docker driver pulls
  std::vector<std::string> stacks;    // --stack NAME|FILE, repeatable: a matrix run (cli/stack_choice.h)
};

int run_command(const std::vector<std::string>& scenarios, const GlobalOptions& options);
int validate_command(const std::vector<std::string>& scenarios);
// `merge OUT.xml IN.xml...` (report/junit_merge.h): 0 written, 2 a bad input or fewer than two files, 3 OUT not
// written.
int merge_command(const std::vector<std::string>& files);
int list_command(const std::vector<std::string>& scenarios, const GlobalOptions& options);
// `report RUN_DIR` (cli/rejudge.h): the run judged again from its files, its reports written again. Exit codes as
// `run`'s: 0 every check passed, 1 one failed (or the run was interrupted), 2 no such run or a scenario file that does not load, 3 an error.
int report_command(const std::vector<std::string>& args);

// junit.xml, summary.json and report.html of a run (so far), each replaced atomically (report/report_file.h).
// `folders`: each report's scenario folder (its last repeat's), whose history report.html draws. `interrupted`:
// what cut the run short ("SIGINT"), empty when nothing did. `timelines`: those already read (report/html_report.h).
void write_run_reports(const std::vector<report::ScenarioReport>& reports,
                       const std::vector<std::filesystem::path>& folders, const std::filesystem::path& run_dir,
                       const std::string& interrupted, report::TimelineCache& timelines);

}  // namespace harness::cli
