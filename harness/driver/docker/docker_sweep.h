#pragma once
// Removing the harness's containers (Testcontainers' Ryuk model, by label): a run's at its end, and at start-up
// those whose owner harness is provably dead (process/owner.h: the same proof that sweeps leftover processes).
#include <map>
#include <string>
#include <vector>

#include "harness/driver/docker/engine.h"

namespace harness::driver::docker {

// Removes (force, with anonymous volumes) every container carrying all `labels`; returns their ids.
std::vector<std::string> remove_containers(const Engine& engine, const std::map<std::string, std::string>& labels);

// Stops (SIGKILL, restart policy set to "no" first) every running container carrying all `labels`, and leaves
// them; returns their ids. What --keep does at a run's end.
std::vector<std::string> stop_containers(const Engine& engine, const std::map<std::string, std::string>& labels);

// Removes every container of the harness whose celery-chaos.owner mark names a dead harness, except those kept on
// purpose (celery-chaos.keep, --keep); returns their ids.
std::vector<std::string> remove_orphans(const Engine& engine);

// The `filters` query value for containers carrying all `labels` ({"label":["k=v",...]}, URL-encoded).
std::string label_filter(const std::map<std::string, std::string>& labels);

}  // namespace harness::driver::docker
