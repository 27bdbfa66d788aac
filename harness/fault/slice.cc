// slice: {service, direction, from, average_size, variation, delay}  the fault proxy's slice toxic (net/slice_toxic.cc)
// on the proxies between the scenario's clients and the service: data sent in pieces of average_size ± variation bytes,
// delay apart (toxic removed to clear). Recorded and cleared as every network fault (network_fault.h).
#include "harness/fault/network_fault.h"

namespace harness::fault {
namespace {

const bool k_registered =
    register_network_fault({.name = "slice",
                            .toxic = "slice",
                            .summary = "data sent in pieces of average_size ± variation bytes, delay apart",
                            .attributes = {{"average_size", NetworkAttribute::Type::k_integer, true},
                                           {"variation", NetworkAttribute::Type::k_integer, false},
                                           {"delay", NetworkAttribute::Type::k_microseconds, false}}});

}  // namespace
}  // namespace harness::fault
