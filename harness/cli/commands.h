#pragma once
// The subcommands' bodies. The table that maps names to them lives in cli.cc.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace harness::cli {

struct GlobalOptions {
  std::filesystem::path report_dir = "reports";
  bool keep = false;
  bool verbose = false;
  bool prestart = true;  // boot the next scenario's broker while one runs (run/prestart.h)
  std::optional<std::uint64_t> seed;  // --seed N: every scenario's seed (run/random.h)
  std::string driver = "local";       // --driver local|docker: where the services run
  std::string image;                  // --image: the docker driver's image (default: driver::DockerOptions's)
};

int run_command(const std::vector<std::string>& scenarios, const GlobalOptions& options);
int validate_command(const std::vector<std::string>& scenarios);
int list_command(const std::vector<std::string>& scenarios);

}  // namespace harness::cli
