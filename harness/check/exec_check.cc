#include "harness/check/exec_check.h"

namespace harness::check {

Verdict judge_exec(const scenario::ExecCheck& check, const std::string& name, const std::string& classname,
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

}  // namespace harness::check
