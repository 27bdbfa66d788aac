// exec: a shell command, or `{command, service, timeout, expect_exit}`: runs it (in a service's environment when
// named), recording its exit code and output. Runs in run/exec_step.cc.
#include "harness/scenario/duration.h"
#include "harness/scenario/exec_reader.h"
#include "harness/scenario/step_syntax.h"

namespace harness::scenario {

namespace {

const std::vector<std::string_view> k_exec_keys{"command", "service", "timeout", "expect_exit"};

std::optional<ExecStep> read_exec(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  ExecStep exec;
  bool ok = true;
  if (auto map = read_exec_map(reader, entry, services, "exec step", k_exec_keys, exec.command, exec.service, ok)) {
    if (const MapEntry* e = map->find("timeout")) assign_or_fail(read_duration(reader, *e), exec.timeout, ok);
    if (const MapEntry* e = map->find("expect_exit")) assign_or_fail(read_int(reader, *e, 0, 255), exec.expect_exit, ok);
  }
  if (!ok) return std::nullopt;
  return exec;
}

const bool k_registered = step_syntaxes().add({.name = "exec",
                                               .listed_at = 2,
                                               .keys = k_exec_keys,
                                               .summary = "run a shell command (in a service's environment when "
                                                          "named), record its exit code and output",
                                               .read = step_params_reader<read_exec>});

}  // namespace

}  // namespace harness::scenario
