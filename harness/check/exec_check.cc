#include "harness/check/exec_check.h"

#include <optional>
#include <string_view>
#include <vector>

#include "harness/check/check_kind.h"
#include "harness/scenario/check_syntax.h"
#include "harness/scenario/duration.h"
#include "harness/scenario/exec_reader.h"

namespace harness::check {

Verdict judge_exec(const ExecParams& check, const std::string& name, const std::string& classname,
                   const history::Event& result) {
  Verdict verdict;
  verdict.name = name;
  verdict.classname = classname;
  const auto& d = result.data;
  verdict.duration = std::chrono::milliseconds{static_cast<long long>(d.value("duration_s", 0.0) * 1000)};
  const std::string output = d.value("output", std::string{});
  verdict.details = "$ " + d.value("command", std::string{}) + "\n" + output;
  std::string seen;
  if (d.contains("no_instance")) {
    seen = d.value("no_instance", std::string{});
  } else if (d.value("spawn_failed", false)) {
    seen = "it could not be started";
  } else if (d.value("timed_out", false)) {
    seen = "it timed out after " + std::to_string(check.timeout.count()) + " ms";
  } else if (d.value("signal", 0) != 0) {
    seen = "it was killed by signal " + std::to_string(d.value("signal", 0));
  } else if (d.value("exit_code", -1) != check.exit_code) {
    seen = "it exited with " + std::to_string(d.value("exit_code", -1));
  } else if (check.output_contains && output.find(*check.output_contains) == std::string::npos) {
    seen = "its output does not contain '" + *check.output_contains + "'";
  }
  if (seen.empty()) {
    verdict.outcome = Outcome::k_passed;
    verdict.message = "exited with " + std::to_string(check.exit_code);
    return verdict;
  }
  verdict.outcome = Outcome::k_failed;
  verdict.message = "expected exit code " + std::to_string(check.exit_code) +
                    (check.output_contains ? " and output containing '" + *check.output_contains + "'" : "") +
                    "; " + seen;
  return verdict;
}

// The kind, registered.
namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_exec_keys{"command", "service", "exit_code", "output_contains", "timeout"};

std::optional<ExecParams> read_exec(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  ExecParams exec;
  bool ok = true;
  if (auto map = read_exec_map(reader, entry, services, "exec check", k_exec_keys, exec.command, exec.service, ok)) {
    if (const MapEntry* e = map->find("output_contains"))
      assign_or_fail(read_nonempty_string(reader, *e), exec.output_contains, ok);
    if (const MapEntry* e = map->find("exit_code")) assign_or_fail(read_int(reader, *e, 0, 255), exec.exit_code, ok);
    if (const MapEntry* e = map->find("timeout")) assign_or_fail(read_duration(reader, *e), exec.timeout, ok);
  }
  if (!ok) return std::nullopt;
  return exec;
}

std::string exec_name(const KindParams& params) {
  const auto& exec = params_as<ExecParams>(params);
  std::string name = "exec " + quote(truncate(exec.command));
  if (!exec.service.empty()) name += " in " + exec.service;
  return name;
}

// Live: runs the command now (in the service's environment when named), then judges its exec.result event.
Verdict judge_exec_check(const Check& check, const std::string& classname, JudgeContext& context) {
  const auto& exec = params_of<ExecParams>(check);
  auto event = context.exec("check " + check.name, exec.command, exec.service, exec.timeout);
  if (!event) return Verdict{check.name, classname, Outcome::k_error, event.error().message(), {}, {}};
  return judge_exec(exec, check.name, classname, *event);
}

const bool k_exec_registered = add_kind({
    .name = "exec",
    .listed_at = 1,
    .keys = k_exec_keys,
    .summary = "a command (run at judge time, in a service's environment when named) exits with a code and output",
    .read = params_reader<read_exec>,
    .generated_name = exec_name,
}, {
    .judge = judge_exec_check,
    .live = true,
});
}  // namespace

}  // namespace harness::check
