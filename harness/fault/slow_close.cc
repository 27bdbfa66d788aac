// slow-close: {service, direction, from, delay}  the fault proxy's slow-close toxic (net/slow_close_toxic.cc) on the
// proxies between the scenario's clients and the service: a FIN waits delay before it is passed on (toxic removed to
// clear). Recorded and cleared as every network fault (network_fault.h).
#include "harness/fault/network_fault.h"

namespace harness::fault {
namespace {

const bool k_registered =
    register_network_fault({.name = "slow-close",
                            .toxic = "slow-close",
                            .summary = "a FIN waits delay before it is passed on (toxic removed to clear)",
                            .attributes = {{"delay", NetworkAttribute::Type::k_milliseconds, true}}});

}  // namespace
}  // namespace harness::fault
