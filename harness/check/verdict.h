#pragma once
// The outcome of one check: a value, never an error (a failed check is a verdict).
#include <chrono>
#include <string>

namespace harness::check {

enum class Outcome {
  k_passed,
  k_failed,   // the property did not hold: JUnit <failure>
  k_error,    // infrastructure fault prevented judging (a service would not start): JUnit <error>
  k_skipped,  // an unmet precondition: JUnit <skipped>
  k_xfailed,  // failed, as a scenario with `expect: fail` expects: a pass of the scenario, shown as XFAIL with
              // what failed (JUnit: a passing testcase whose <system-out> holds the failure)
};

struct Verdict {
  std::string name;        // the check's name (JUnit testcase name)
  std::string classname;   // JUnit classname: "<scenario>.<check kind>", always set
  Outcome outcome = Outcome::k_passed;
  std::string message;     // one line: what was expected and what was seen (failure/error/skipped message)
  std::string details;     // longer text: evidence, offending ids, probe outputs
  std::chrono::milliseconds duration{0};
};

const char* to_string(Outcome outcome);

}  // namespace harness::check
