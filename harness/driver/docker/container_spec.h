#pragma once
// The body of POST /containers/create for one instance of a service kind: its recipe's command (a Launch, as the
// local driver would spawn it) run in an image on the host network, with the run's folders bind-mounted at the
// same paths, so every path, port and placeholder the recipe computed means the same inside the container.
// Pure: unit-tested without an engine.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/driver/local/runtime.h"

namespace harness::driver::docker {

// Labels every object of the harness carries (Testcontainers' Ryuk model: a later run removes what a dead
// harness left, by these).
inline constexpr const char* k_label_run = "celery-chaos.run";
inline constexpr const char* k_label_owner = "celery-chaos.owner";
inline constexpr const char* k_label_instance = "celery-chaos.instance";
inline constexpr const char* k_label_kind = "celery-chaos.kind";
// A container of a run made with --keep: stopped, not removed, at the end, and never swept.
inline constexpr const char* k_label_keep = "celery-chaos.keep";

struct ContainerSettings {
  std::string image;
  std::vector<std::filesystem::path> binds;           // mounted read-write at the same path
  std::vector<std::filesystem::path> readonly_binds;  // mounted read-only at the same path
  std::string run_id;
  std::string owner;                                  // process::OwnerMark::owner()
  std::map<std::string, std::string> run_environment;  // what every process of the run gets (TMPDIR...)
  std::map<std::string, std::string> marks;            // CELERY_CHAOS_OWNER / CELERY_CHAOS_RUN
  // Set for a scenario's own image (Launch::image, a team's worker image): the environment the image sets. Such a
  // container keeps the image's PATH and working directory (its interpreter, its app's folder: the recipe's are the
  // stack's), and the image's PYTHONPATH after the recipe's (which holds the probe module).
  std::optional<std::map<std::string, std::string>> own_image_environment;
  // The engine's API version ("1.41"): what a HEALTHCHECK may hold (StartInterval needs 1.44).
  std::string api_version = "1.41";
  bool keep = false;  // labelled k_label_keep
};

// The container's HEALTHCHECK (the body's "Healthcheck") for a launch's health check: Test ["CMD", argv...],
// durations in nanoseconds, StartInterval only where the API has it (1.44, Engine 25).
nlohmann::json container_healthcheck(const EngineHealthCheck& check, const std::string& api_version);
// Why a health check cannot be what the scenario says on an engine of `api_version`: "start_interval needs Docker
// API 1.44 (Engine 25); this engine speaks 1.41, which probes every interval during the start period". Empty when
// it can.
std::string healthcheck_limits(const EngineHealthCheck& check, const std::string& api_version);

// The command the container runs: `/bin/sh -c` that appends stdout and stderr to the launch's log file (or
// /dev/null), switches to `run_as_user` with setpriv as ChildProcess does (after opening the log as root), and
// execs the launch's argv, which becomes the container's main process.
std::vector<std::string> container_command(const local::Launch& launch);

nlohmann::json container_create_body(const local::Launch& launch, const ContainerSettings& settings);

// "cc-<run id>-<instance>-<n>", with characters Docker refuses in a name replaced by '-'.
std::string container_name(const std::string& run_id, const std::string& instance, int start_number);

}  // namespace harness::driver::docker
