#pragma once
// The parameters of the broker-restart fault (broker_restart.cc).
#include <chrono>
#include <string>

#include "harness/scenario/kind_params.h"

namespace harness::fault {

struct BrokerRestartParams : scenario::KindParams {
  std::string mode = "graceful";  // graceful (stop_app/start_app) | kill (SIGKILL of beam.smp)
  // How long AMQP refuses at least, from when it was seen refusing, before the broker is started again. 0 (default):
  // at once (graceful is ~6 s down anyway: stop_app returns ~5 s after the listener closed).
  std::chrono::milliseconds down{0};
};

}  // namespace harness::fault
