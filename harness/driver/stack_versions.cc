#include "harness/driver/stack_versions.h"

#include <fstream>
#include <sstream>

#include "harness/process/child_process.h"

namespace harness::driver {

Versions parse_versions(std::string_view output) {
  Versions versions;
  std::istringstream in{std::string(output)};
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0 || line.find(' ') < eq) continue;
    versions.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  return versions;
}

std::string describe_versions(const Versions& versions) {
  std::string text;
  for (const auto& [name, version] : versions)
    text += (text.empty() ? "" : ", ") + name + " " + (version.empty() ? "-" : version);
  return text;
}

std::filesystem::path versions_script() {
  return std::filesystem::path(CELERY_CHAOS_SOURCE_DIR) / "fixtures" / "stack-versions.sh";
}

util::Expected<std::string> versions_script_text() {
  std::ifstream in(versions_script());
  if (!in) return util::Status::infrastructure("cannot read " + versions_script().string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

util::Expected<Versions> host_versions() {
  process::SpawnOptions options;
  options.argv = {"/bin/sh", versions_script().string()};
  const auto result = process::run_command(options, std::chrono::seconds{30});
  if (!result.succeeded())
    return util::Status::infrastructure(versions_script().string() + " failed on this machine: " + result.output);
  return parse_versions(result.output);
}

}  // namespace harness::driver
