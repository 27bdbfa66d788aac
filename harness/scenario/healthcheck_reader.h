#pragma once
// Reads a service's `healthcheck:`: Docker Compose keys verbatim (test, interval, timeout, start_period,
// retries, disable), or Kubernetes probe keys for the same fields (exec.command, periodSeconds, timeoutSeconds,
// failureThreshold, successThreshold, initialDelaySeconds). Setting one field both ways is an error.
#include <optional>
#include <string_view>

#include "harness/scenario/model.h"
#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

// nullopt when the healthcheck has errors (reported). `disable: true` gives test = ["NONE"].
std::optional<HealthCheck> read_healthcheck(YamlReader& reader, const MapEntry& entry, std::string_view service);

}  // namespace harness::scenario
