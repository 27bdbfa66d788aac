#pragma once
// `config:` on a rabbitmq, redis or postgres service: the server's own settings (rabbitmq.conf keys, redis.conf
// directives, PostgreSQL parameters), as opposed to a celery-worker's `config:` (Celery settings, JSON).
//
// Read here, checked only for what the harness itself must decide: the keys it sets and cannot give up (the
// addresses it allocates, the credentials it generates, where the log goes) are refused at their line with why;
// the few it only defaults (a Redis without persistence, PostgreSQL without fsync) are overridden by the scenario's.
// Whether a key or value means anything is the server's to say at start: one it rejects makes the service fail to
// start (exit 3), with the server's own message.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

// A key the harness sets itself: `key` exactly, or every key starting with it when it ends with '.'.
struct ReservedSetting {
  std::string_view key;
  std::string_view why;  // "the harness binds 127.0.0.1 at a port it allocates ({{SERVICE.port}})"
};

// How a kind reads its `config:`.
struct ServerConfigRules {
  std::string_view what;         // "rabbitmq.conf keys": for "'config' must be a map of ..."
  std::string_view true_word;    // how the server writes a YAML true ("true", "yes", "on")
  std::string_view false_word;
  bool case_insensitive = false;  // Redis directives and PostgreSQL parameters are
  std::vector<ReservedSetting> reserved{};
};

// The settings of `entry` (`config: {KEY: VALUE}`), each value rendered as the server reads it: a plain YAML
// true/false as the kind's words, anything else (numbers, strings, yes/no/on/off) as written. Reports at its line:
// a value that is not a scalar or holds a line break, a key that is not [A-Za-z0-9_][A-Za-z0-9_.-]*, and a reserved
// key with its reason ("SERVICE" in a reason is the service's name). Nullopt when anything was reported.
std::optional<std::map<std::string, std::string>> read_server_config(YamlReader& reader, const MapEntry& entry,
                                                                     const ServerConfigRules& rules,
                                                                     const std::string& service);

// Whether `settings` holds `key` (case-insensitively for such a kind): a default of the harness it then leaves out.
bool has_setting(const std::map<std::string, std::string>& settings, std::string_view key, bool case_insensitive);

}  // namespace harness::scenario
