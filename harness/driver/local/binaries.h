#pragma once
// Where the local driver finds the services' programs, and which Debian package to install when one is missing.
#include <filesystem>
#include <string>
#include <vector>

#include "harness/util/status.h"

namespace harness::driver::local {

// The first existing, executable candidate; otherwise k_infrastructure:
// "rabbitmq-server not found (looked in /usr/lib/rabbitmq/bin/rabbitmq-server): install the Debian package
//  rabbitmq-server (scripts/install-deps does)".
util::Expected<std::filesystem::path> find_program(const std::string& what,
                                                   const std::vector<std::filesystem::path>& candidates,
                                                   const std::string& package);

// PostgreSQL's server binaries dir of the newest installed major version (/usr/lib/postgresql/15/bin).
util::Expected<std::filesystem::path> postgres_bin_dir();

}  // namespace harness::driver::local
