#pragma once
// Version-aware expectations: `when: {kombu: "<5.4", rabbitmq: ">=3.13"}` on a check judges it only on a stack
// whose versions match. A spec is comma-separated clauses, each an operator (<, <=, >, >=, ==, !=) and a version;
// `==5.5.*` matches a prefix. Versions compare in release order: numeric segments (5.10 > 5.9), then PEP 440's
// suffixes, dev < a < b < rc < the release < post ("5.5.0rc1" < "5.5.0" < "5.5.0.post1"). That is PEP 440 for
// the Python packages and plain numeric order for RabbitMQ, Erlang, Redis and PostgreSQL.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harness::scenario {

// The components a `when:` can name: what fixtures/stack-versions.sh reads of a stack.
const std::vector<std::string_view>& version_components();

// -1, 0, 1 as a < b, a == b, a > b.
int compare_versions(std::string_view a, std::string_view b);

// Why `spec` is not a valid spec ("'<<5' is not a comparison such as <5.4, >=3.13,<4 or ==5.5.*"); empty when it
// is.
std::string version_spec_error(std::string_view spec);

// Whether `version` satisfies every clause of `spec` (a valid one).
bool version_matches(std::string_view version, std::string_view spec);

}  // namespace harness::scenario
