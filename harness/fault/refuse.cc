// refuse: {service, direction, from, cut}  the fault proxy's refuse toxic (net/refuse_toxic.cc) on the proxies between
// the scenario's clients and the service: new connections refused (open ones kept, or reset with cut: true); accepted
// again when cleared. Recorded and cleared as every network fault (network_fault.h).
#include "harness/fault/network_fault.h"

namespace harness::fault {
namespace {

const bool k_registered =
    register_network_fault({.name = "refuse",
                            .toxic = "refuse",
                            .summary = "new connections refused (open ones kept, or reset with cut); accepted when cleared",
                            .attributes = {{"cut", NetworkAttribute::Type::k_bool, false}}});

}  // namespace
}  // namespace harness::fault
