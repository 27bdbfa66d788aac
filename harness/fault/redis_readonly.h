#pragma once
// The parameters of the redis-readonly fault (redis_readonly.cc).
#include <string>

#include "harness/scenario/kind_params.h"

namespace harness::fault {

struct RedisReadonlyParams : scenario::KindParams {
  std::string of;  // the redis service it becomes a replica of
};

}  // namespace harness::fault
