// The postgres service kind: one PostgreSQL server holding the scenario's database, a result backend.
#include "harness/scenario/server_config.h"
#include "harness/scenario/service_kind.h"

namespace harness::scenario {
namespace {

std::vector<InstanceKeys> instances(const Service& service) {
  std::vector<std::string> keys{"host",       "port", "user", "password",    "database",  "url",
                                "backend_url", "socket_dir", "dir", "direct_port", "direct_url"};
  for (const auto& [key, value] : service.server_config) keys.push_back("config." + key);
  return single_instance(service, std::move(keys));
}

// PostgreSQL parameters (`postgres -c key=value`, booleans on/off). The harness's own give the server its
// address, socket, data folder, authentication and a log on stderr; a scenario's `fsync`, `synchronous_commit`
// and `full_page_writes` replace the harness's (off: the data is discarded after the run).
const ServerConfigRules k_config{
    .what = "PostgreSQL parameters",
    .true_word = "on",
    .false_word = "off",
    .case_insensitive = true,
    .reserved = {
        {"listen_addresses", "the server listens on 127.0.0.1 at a port the harness allocates ({{SERVICE.port}})"},
        {"port", "the server listens on 127.0.0.1 at a port the harness allocates ({{SERVICE.port}})"},
        {"unix_socket_directories", "the server's socket is in a private folder ({{SERVICE.socket_dir}})"},
        {"unix_socket_permissions", "the server's socket is in a private folder ({{SERVICE.socket_dir}})"},
        {"data_directory", "the harness owns the data folder and its authentication (pg_hba.conf)"},
        {"config_file", "the harness owns the data folder and its authentication (pg_hba.conf)"},
        {"hba_file", "the harness owns the data folder and its authentication (pg_hba.conf)"},
        {"ident_file", "the harness owns the data folder and its authentication (pg_hba.conf)"},
        {"logging_collector", "the server logs to stderr, which is logs/SERVICE.log"},
        {"log_destination", "the server logs to stderr, which is logs/SERVICE.log"},
    },
};

const bool k_registered = service_kinds().add({
    .name = "postgres",
    .id = ServiceKind::k_postgres,
    .summary = "a PostgreSQL server; `database:` is created at start (a result backend)",
    .image = {.prefixes = {"postgres"}},
    .keys = {"database", "config"},
    .serves = {"backend", "scheduler"},  // scheduler: a celery-beat's DatabaseScheduler
    .server_config = &k_config,
    .instances = instances,
});

}  // namespace
}  // namespace harness::scenario
