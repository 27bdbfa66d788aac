#pragma once
// The parameters of the broker-restart fault (broker_restart.cc).
#include <string>

#include "harness/scenario/kind_params.h"

namespace harness::fault {

struct BrokerRestartParams : scenario::KindParams {
  std::string mode = "graceful";  // graceful (stop_app/start_app) | kill (SIGKILL of beam.smp)
};

}  // namespace harness::fault
