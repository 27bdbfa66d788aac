#pragma once
// Reads `checks:` (each item's kind from check_syntaxes(), which the check kinds in check/ fill), generating a
// name for each check without `name:`; names are unique within a scenario because they become JUnit testcase names.
#include <map>
#include <string>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

// `services`: as read_steps (nullptr = unknown, references not checked).
std::vector<Check> read_checks(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services);

// `when: {COMPONENT: SPEC, ...}` (a check's, or the scenario's): the components fixtures/stack-versions.sh reads,
// each spec checked now (version_spec.h). False after reporting a problem.
bool read_when(YamlReader& reader, const MapEntry& entry, std::map<std::string, std::string>& when);

// The name a check gets without `name:`: "log broker contains 'x'", "log broker not_contains 'x'",
// "exec 'cmd'", "exec 'cmd' in worker", "health worker unhealthy within 25s", "health worker never unhealthy",
// "health worker always healthy", "restarts worker >= 1", "restarts worker <= 0", "restarts worker 1..3",
// "exit worker", "exit worker code 1 log 'x'"; patterns, commands and log texts longer than 40 characters are
// cut with "...".
std::string generated_check_name(const Check& check);

}  // namespace harness::scenario
