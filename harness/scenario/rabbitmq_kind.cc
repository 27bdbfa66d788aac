// The rabbitmq service kind: one RabbitMQ node, a broker.
#include "harness/scenario/server_config.h"
#include "harness/scenario/service_kind.h"

namespace harness::scenario {
namespace {

std::vector<InstanceKeys> instances(const Service& service) {
  std::vector<std::string> keys{"host",           "port", "user", "password",    "vhost",     "url",
                                "management_port", "management_url", "node", "dir", "direct_port", "direct_url"};
  for (const auto& [key, value] : service.server_config) keys.push_back("config." + key);
  return single_instance(service, std::move(keys));
}

// rabbitmq.conf (cuttlefish's format: `key = value`, booleans true/false). The harness's own lines
// (driver/local/rabbitmq_service.cc) give the node its addresses, credentials and a log on stdout; a scenario's
// `log.console.level` and `collect_statistics_interval` replace the harness's defaults.
const ServerConfigRules k_config{
    .what = "rabbitmq.conf keys",
    .true_word = "true",
    .false_word = "false",
    .reserved = {
        {"listeners.", "the node listens on 127.0.0.1 at a port the harness allocates ({{SERVICE.port}})"},
        {"management.tcp.", "the management API listens on 127.0.0.1 at a port the harness allocates "
                            "({{SERVICE.management_port}})"},
        {"management.ssl.", "the management API listens on 127.0.0.1 at a port the harness allocates "
                            "({{SERVICE.management_port}})"},
        {"default_user", "the harness generates the credentials ({{SERVICE.user}}, {{SERVICE.password}})"},
        {"default_pass", "the harness generates the credentials ({{SERVICE.user}}, {{SERVICE.password}})"},
        {"default_vhost", "clients use the vhost '/' ({{SERVICE.vhost}})"},
        {"loopback_users", "the harness's generated user must be allowed to connect over loopback"},
        {"log.console", "the node logs to its console, which is logs/SERVICE.log (only 'log.console.level' may be "
                        "set)"},
        {"log.file", "the node logs to its console, which is logs/SERVICE.log (only 'log.console.level' may be set)"},
    },
};

const bool k_registered = service_kinds().add({
    .name = "rabbitmq",
    .id = ServiceKind::k_rabbitmq,
    .summary = "a RabbitMQ node with its management API (a broker)",
    .image = {.prefixes = {"rabbitmq"}},
    .keys = {"config"},
    .serves = {"broker"},
    .server_config = &k_config,
    .instances = instances,
});

}  // namespace
}  // namespace harness::scenario
