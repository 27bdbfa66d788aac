// blackhole: {service, direction, from}  the fault proxy's blackhole toxic (net/blackhole_toxic.cc) on the proxies
// between the scenario's clients and the service: data stops, connections stay open; held bytes go on when cleared.
// Recorded and cleared as every network fault (network_fault.h).
#include "harness/fault/network_fault.h"

namespace harness::fault {
namespace {

const bool k_registered =
    register_network_fault({.name = "blackhole",
                            .toxic = "blackhole",
                            .summary = "data stops, connections stay open; held bytes go on when cleared",
                            .attributes = {}});

}  // namespace
}  // namespace harness::fault
