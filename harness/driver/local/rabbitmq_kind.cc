// The local driver's rabbitmq kind: one RabbitMQ node (rabbitmq_service.h).
#include "harness/driver/local/local_kinds.h"
#include "harness/driver/local/rabbitmq_service.h"

namespace harness::driver::local {
namespace {

const bool k_registered = local_service_kinds().add({
    .name = "rabbitmq",
    .create = [](const scenario::Service& spec, const LocalCreation& context) {
      return one_instance(RabbitmqService::create(spec, context.paths));
    },
});

}  // namespace
}  // namespace harness::driver::local
