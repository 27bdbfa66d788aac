#pragma once
// A command in a throwaway container of an image, as `docker run --rm --network host IMAGE ARGV` would: the
// container (labelled as every container of the harness, so a sweep removes it if the harness dies) sleeps, the
// command runs in it through the exec API, and it is removed when the command is done.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/driver/docker/engine.h"
#include "harness/driver/stack_versions.h"
#include "harness/process/child_process.h"
#include "harness/util/status.h"

namespace harness::driver::docker {

// Its output and exit code; k_infrastructure when the container cannot start (no such image: how to build it).
util::Expected<process::CommandResult> run_in_image(const Engine& engine, const std::string& image,
                                                    const std::vector<std::string>& argv,
                                                    std::chrono::milliseconds timeout);
// The same with `options` (argv, environment, working directory, run_as_user: the exec's User) and `mounts`,
// folders of this machine bind-mounted read-write at the same paths.
util::Expected<process::CommandResult> run_in_image(const Engine& engine, const std::string& image,
                                                    const process::SpawnOptions& options,
                                                    const std::vector<std::filesystem::path>& mounts,
                                                    std::chrono::milliseconds timeout);

// What the image holds (fixtures/stack-versions.sh run in it); k_infrastructure when the script fails there.
util::Expected<Versions> image_versions(const Engine& engine, const std::string& image);

}  // namespace harness::driver::docker
