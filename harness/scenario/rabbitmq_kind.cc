// The rabbitmq service kind: one RabbitMQ node, a broker.
#include "harness/scenario/service_kind.h"

namespace harness::scenario {
namespace {

std::vector<InstanceKeys> instances(const Service& service) {
  return single_instance(service, {"host", "port", "user", "password", "vhost", "url", "management_port",
                                   "management_url", "node", "dir", "direct_port", "direct_url"});
}

const bool k_registered = service_kinds().add({
    .name = "rabbitmq",
    .id = ServiceKind::k_rabbitmq,
    .summary = "a RabbitMQ node with its management API (a broker)",
    .image = {.prefixes = {"rabbitmq"}},
    .keys = {},
    .serves = {"broker"},
    .instances = instances,
});

}  // namespace
}  // namespace harness::scenario
