#pragma once
// What a stack holds: the versions of Celery, kombu, py-amqp, redis-py, RabbitMQ, Erlang, Redis and PostgreSQL, as
// fixtures/stack-versions.sh reads them where the stack runs (never from a table): on this machine for the host
// stack (the local driver's), in a throwaway container for an image stack (docker/image_command.h).
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/util/status.h"

namespace harness::driver {

// NAME -> VERSION in the script's order; VERSION empty when the stack lacks it.
using Versions = std::vector<std::pair<std::string, std::string>>;

// The NAME=VERSION lines of the script's output (other lines ignored).
Versions parse_versions(std::string_view output);

// "celery 5.2.6, kombu 5.2.4, ..., postgresql 15.18" (an absent one: "redis -").
std::string describe_versions(const Versions& versions);

// The script (fixtures/stack-versions.sh) and its text; k_infrastructure when it cannot be read.
std::filesystem::path versions_script();
util::Expected<std::string> versions_script_text();

// The host stack's versions: the script run on this machine. k_infrastructure when it does not run.
util::Expected<Versions> host_versions();

}  // namespace harness::driver
