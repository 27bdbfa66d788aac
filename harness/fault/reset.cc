// reset: {service, direction, from}  the fault proxy's reset toxic (net/reset_toxic.cc) on the proxies between the
// scenario's clients and the service: every connection, and each new one until cleared, ends with an RST. Recorded and
// cleared as every network fault (network_fault.h).
#include "harness/fault/network_fault.h"

namespace harness::fault {
namespace {

const bool k_registered =
    register_network_fault({.name = "reset",
                            .toxic = "reset",
                            .summary = "every connection, and each new one until cleared, ends with an RST",
                            .attributes = {}});

}  // namespace
}  // namespace harness::fault
