#include "harness/driver/docker/image_command.h"

#include <unistd.h>

#include <atomic>

#include "harness/driver/docker/container_runtime.h"
#include "harness/driver/docker/container_spec.h"

namespace harness::driver::docker {

util::Expected<process::CommandResult> run_in_image(const Engine& engine, const std::string& image,
                                                    const process::SpawnOptions& options,
                                                    const std::vector<std::filesystem::path>& mounts,
                                                    std::chrono::milliseconds timeout) {
  local::Launch launch;
  launch.options.argv = {"sleep", "3600"};  // PID 1 while the command runs; the removal ends it
  launch.instance = "command";
  launch.kind = "command";
  ContainerSettings settings;
  settings.image = image;
  settings.binds = mounts;
  settings.run_id = "command-" + std::to_string(::getpid());
  settings.owner = process::OwnerMark::owner();
  settings.marks = process::OwnerMark::marks();
  static std::atomic<int> k_started{0};
  auto container = ContainerRuntime::start(engine, container_name(settings.run_id, launch.instance, ++k_started),
                                           container_create_body(launch, settings));
  if (!container) return container.error();
  return (*container)->exec(options, timeout);  // the container is removed with its runtime
}

util::Expected<process::CommandResult> run_in_image(const Engine& engine, const std::string& image,
                                                    const std::vector<std::string>& argv,
                                                    std::chrono::milliseconds timeout) {
  process::SpawnOptions options;
  options.argv = argv;
  return run_in_image(engine, image, options, {}, timeout);
}

util::Expected<Versions> image_versions(const Engine& engine, const std::string& image) {
  auto script = versions_script_text();
  if (!script) return script.error();
  auto result = run_in_image(engine, image, {"/bin/sh", "-c", *script}, std::chrono::seconds{60});
  if (!result) return result.error();
  if (!result->succeeded())
    return util::Status::infrastructure("the versions script failed in " + image + ": " + result->output);
  return parse_versions(result->output);
}

}  // namespace harness::driver::docker
