#pragma once
// The parameters of the redis-restart fault (redis_restart.cc).
#include <chrono>

#include "harness/scenario/kind_params.h"

namespace harness::fault {

struct RedisRestartParams : scenario::KindParams {
  // How long the port refuses at least, from when it was seen refusing (a Redis outage of a set length); 0: started
  // again at once.
  std::chrono::milliseconds down{0};
};

}  // namespace harness::fault
