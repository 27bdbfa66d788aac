// bandwidth: {service, direction, from, rate}  the fault proxy's bandwidth toxic (net/bandwidth_toxic.cc) on the
// proxies between the scenario's clients and the service: bytes go on no faster than rate KB/s (toxic removed to
// clear). Recorded and cleared as every network fault (network_fault.h).
#include "harness/fault/network_fault.h"

namespace harness::fault {
namespace {

const bool k_registered =
    register_network_fault({.name = "bandwidth",
                            .toxic = "bandwidth",
                            .summary = "bytes go on no faster than rate KB/s (toxic removed to clear)",
                            .attributes = {{"rate", NetworkAttribute::Type::k_integer, true}}});

}  // namespace
}  // namespace harness::fault
