#include "harness/report/summary.h"

#include "harness/report/report_file.h"
#include "harness/report/upgrade_report.h"
#include "harness/util/time_format.h"

namespace harness::report {

namespace {
nlohmann::json counts_json(const Counts& c) {
  return {{"tests", c.tests},     {"failures", c.failures}, {"errors", c.errors},
          {"skipped", c.skipped}, {"xfailed", c.xfailed}};
}

nlohmann::json scenario_json(const ScenarioReport& s) {
  nlohmann::json verdicts = nlohmann::json::array();
  for (std::size_t i = 0; i < s.verdicts.size(); ++i) {
    const auto& v = s.verdicts[i];
    nlohmann::json entry = {{"name", v.name},
                            {"classname", classname_of(s, v)},
                            {"outcome", check::to_string(v.outcome)},
                            {"message", v.message}};
    if (i < s.repeat_stats.size()) {  // --repeat N
      const auto& stats = s.repeat_stats[i];
      entry["flaky"] = stats.flaky;
      entry["repeats"] = stats.runs;
      entry["passes"] = stats.passes;
      entry["pass_rate"] = stats.runs == 0 ? 0.0 : static_cast<double>(stats.passes) / stats.runs;
    }
    verdicts.push_back(std::move(entry));
  }
  nlohmann::json properties = nlohmann::json::object();
  for (const auto& [name, value] : s.properties) properties[name] = value;
  nlohmann::json entry = {{"name", s.name},
                          {"file", s.file},
                          {"run_id", s.run_id},
                          {"passed", passed(s)},
                          {"expect", s.expectation},
                          {"started", util::iso8601_utc(s.started)},
                          {"duration_s", static_cast<double>(s.duration.count()) / 1000.0},
                          {"seed", s.seed},
                          {"counts", counts_json(count(s))},
                          {"properties", std::move(properties)},
                          {"verdicts", std::move(verdicts)}};
  if (!s.stack.empty()) entry["stack"] = s.stack;  // a matrix run's (run --stack)
  if (s.repeats > 1) entry["repeats"] = s.repeats;
  if (!s.error.empty()) entry["error"] = s.error;
  if (!s.not_run.empty()) entry["not_run"] = s.not_run;
  return entry;
}
}  // namespace

nlohmann::json summary_json(const std::vector<ScenarioReport>& scenarios, const std::string& interrupted) {
  nlohmann::json entries = nlohmann::json::array();
  Counts total;
  int passed_scenarios = 0, flaky_checks = 0;
  for (const auto& s : scenarios) {
    for (const auto& stats : s.repeat_stats) flaky_checks += stats.flaky;
    entries.push_back(scenario_json(s));
    total += count(s);
    passed_scenarios += passed(s);
  }
  nlohmann::json counts = counts_json(total);
  counts["scenarios"] = scenarios.size();
  counts["passed"] = passed_scenarios;
  if (flaky_checks > 0) counts["flaky"] = flaky_checks;  // checks that passed in some repeats only (--repeat)
  nlohmann::json summary = {
      {"passed", interrupted.empty() && passed_scenarios == static_cast<int>(scenarios.size())},
      {"counts", std::move(counts)},
      {"scenarios", std::move(entries)}};
  if (!interrupted.empty()) summary["interrupted"] = interrupted;
  if (is_matrix(scenarios)) summary["upgrade"] = upgrade_json(upgrade_table(scenarios));  // run --stack A --stack B
  return summary;
}

util::Status write_summary(const std::vector<ScenarioReport>& scenarios, const std::filesystem::path& path,
                           const std::string& interrupted) {
  const auto json = summary_json(scenarios, interrupted);
  // ASCII only (\uXXXX escapes): no reader has to guess an encoding.
  return write_report_file(path, json.dump(2, ' ', true, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace harness::report
