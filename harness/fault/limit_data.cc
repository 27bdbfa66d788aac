// limit-data: {service, direction, from, bytes}  the fault proxy's limit-data toxic (net/limit_data_toxic.cc) on the
// proxies between the scenario's clients and the service: a connection closed once bytes have passed on a way (toxic
// removed to clear). Recorded and cleared as every network fault (network_fault.h).
#include "harness/fault/network_fault.h"

namespace harness::fault {
namespace {

const bool k_registered =
    register_network_fault({.name = "limit-data",
                            .toxic = "limit-data",
                            .summary = "a connection closed once bytes have passed on a way (toxic removed to clear)",
                            .attributes = {{"bytes", NetworkAttribute::Type::k_integer, true}}});

}  // namespace
}  // namespace harness::fault
