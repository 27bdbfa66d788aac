#include "harness/report/summary.h"

#include <fstream>

#include "harness/util/time_format.h"

namespace harness::report {

nlohmann::json summary_json(const std::vector<ScenarioReport>& scenarios) {
  nlohmann::json out = {{"scenarios", nlohmann::json::array()}};
  bool all_passed = true;
  for (const auto& s : scenarios) {
    nlohmann::json verdicts = nlohmann::json::array();
    int failed = 0, errors = 0, skipped = 0;
    for (const auto& v : s.verdicts) {
      failed += v.outcome == check::Outcome::k_failed;
      errors += v.outcome == check::Outcome::k_error;
      skipped += v.outcome == check::Outcome::k_skipped;
      verdicts.push_back({{"name", v.name}, {"classname", v.classname}, {"outcome", check::to_string(v.outcome)},
                          {"message", v.message}});
    }
    const bool passed = failed == 0 && errors == 0 && s.error.empty();
    all_passed &= passed;
    nlohmann::json entry = {{"name", s.name},       {"file", s.file},
                            {"run_id", s.run_id},   {"passed", passed},
                            {"checks", s.verdicts.size()}, {"failed", failed},
                            {"errors", errors},     {"skipped", skipped},
                            {"duration_s", s.duration.count() / 1000.0},
                            {"started", util::iso8601_utc(s.started)},
                            {"seed", s.seed},       {"expect", s.expectation},
                            {"verdicts", verdicts}};
    nlohmann::json props = nlohmann::json::object();
    for (const auto& [k, v] : s.properties) props[k] = v;
    entry["properties"] = props;
    if (!s.error.empty()) entry["error"] = s.error;
    out["scenarios"].push_back(entry);
  }
  out["passed"] = all_passed;
  return out;
}

util::Status write_summary(const std::vector<ScenarioReport>& scenarios, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << summary_json(scenarios).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  out.close();
  if (!out) return util::Status::infrastructure("cannot write " + path.string());
  return util::Status::ok();
}

}  // namespace harness::report
