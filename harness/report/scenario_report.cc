#include "harness/report/scenario_report.h"

namespace harness::report {

Counts& Counts::operator+=(const Counts& other) {
  tests += other.tests;
  failures += other.failures;
  errors += other.errors;
  skipped += other.skipped;
  xfailed += other.xfailed;
  return *this;
}

Counts count(const ScenarioReport& scenario) {
  using check::Outcome;
  Counts c;
  for (const auto& v : scenario.verdicts) {
    ++c.tests;
    c.failures += v.outcome == Outcome::k_failed;
    c.errors += v.outcome == Outcome::k_error;
    c.skipped += v.outcome == Outcome::k_skipped;
    c.xfailed += v.outcome == Outcome::k_xfailed;
  }
  if (!scenario.error.empty()) {
    ++c.tests;
    ++c.errors;
  }
  return c;
}

bool passed(const ScenarioReport& scenario) {
  const Counts c = count(scenario);
  return scenario.not_run.empty() && c.failures == 0 && c.errors == 0;
}

std::string classname_of(const ScenarioReport& scenario, const check::Verdict& verdict) {
  const std::string name = verdict.classname.empty() ? scenario.name + ".check" : verdict.classname;
  return scenario.stack.empty() ? name : scenario.stack + "." + name;
}

std::string title_of(const ScenarioReport& scenario) {
  return scenario.stack.empty() ? scenario.name : scenario.name + " [" + scenario.stack + "]";
}

}  // namespace harness::report
