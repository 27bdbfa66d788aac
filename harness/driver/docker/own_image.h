#pragma once
// A scenario's own image under the docker driver: a team's worker image (`image: myorg/app:1.4` on a celery-worker,
// scenario::own_image) runs as given, instead of the stack's image. One that is not in the engine is pulled where
// the pull policy allows it (image_pull.h: by default only from a registry on this machine); otherwise, or when the
// pull fails, it is k_infrastructure naming it and how to build or pull it, before anything of the scenario starts.
#include <map>
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/driver/docker/engine.h"
#include "harness/driver/docker/image_pull.h"
#include "harness/scenario/model.h"
#include "harness/util/status.h"

namespace harness::driver::docker {

// What the engine knows of the image (GET /images/NAME/json: its inspect body), std::nullopt when it does not have
// it (404); any other answer is k_infrastructure.
util::Expected<std::optional<nlohmann::json>> inspect_image(const Engine& engine, const std::string& image);

// The environment the image sets (its Config.Env: ENV lines of its Dockerfile), the image pulled first when it is
// absent and `policy` allows; or k_infrastructure: "image myorg/app:1.4 of service 'worker' is not present in the
// engine at unix://SOCKET and was not pulled: ...: build it (docker build -t myorg/app:1.4 DIR) or pull it (docker
// pull myorg/app:1.4) first". A pull's progress goes to `progress`.
util::Expected<std::map<std::string, std::string>> own_image_environment(const Engine& engine,
                                                                         const std::string& image,
                                                                         const std::string& service,
                                                                         PullPolicy policy, std::ostream& progress);

// Image name -> the environment it sets, for every own image of a scenario.
using OwnImageEnvironments = std::map<std::string, std::map<std::string, std::string>>;

// Reads each own image of the scenario's celery-worker services once, before anything starts: the first missing
// one is the error.
util::Expected<OwnImageEnvironments> read_own_images(const Engine& engine, const scenario::Scenario& scenario,
                                                     PullPolicy policy, std::ostream& progress);

}  // namespace harness::driver::docker
