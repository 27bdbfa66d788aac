// latency: {service, direction, from, latency, jitter}  the fault proxy's latency toxic (net/latency_toxic.cc) on the
// proxies between the scenario's clients and the service: each chunk delayed latency ± jitter (toxic removed to clear).
// Recorded and cleared as every network fault (network_fault.h).
#include "harness/fault/network_fault.h"

namespace harness::fault {
namespace {

const bool k_registered =
    register_network_fault({.name = "latency",
                            .toxic = "latency",
                            .summary = "each chunk delayed latency ± jitter (toxic removed to clear)",
                            .attributes = {{"latency", NetworkAttribute::Type::k_milliseconds, true},
                                           {"jitter", NetworkAttribute::Type::k_milliseconds, false}}});

}  // namespace
}  // namespace harness::fault
