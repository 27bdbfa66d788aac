#pragma once
// The parameters of the redis-failover fault (redis_failover.cc).
#include <string>

#include "harness/scenario/kind_params.h"

namespace harness::fault {

struct RedisFailoverParams : scenario::KindParams {
  std::string mode = "sentinel";  // sentinel (SENTINEL FAILOVER) | kill (SIGKILL of the current master)
};

}  // namespace harness::fault
