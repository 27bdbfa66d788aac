#include "harness/report/summary_reader.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "harness/check/delivery_input.h"

namespace harness::report {

namespace {
std::string string_at(const nlohmann::json& entry, const char* key) {
  auto it = entry.find(key);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// The classname as the judge gave it: a matrix run's reports start it with "<stack>." (classname_of).
std::string own_classname(std::string classname, const std::string& stack) {
  if (!stack.empty() && classname.rfind(stack + ".", 0) == 0) classname.erase(0, stack.size() + 1);
  return classname;
}

util::Expected<std::vector<check::Verdict>> verdicts_from(const nlohmann::json& entry) {
  const std::string stack = string_at(entry, "stack");
  std::vector<check::Verdict> verdicts;
  auto it = entry.find("verdicts");
  if (it == entry.end() || !it->is_array()) return verdicts;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& v = (*it)[i];
    if (!v.is_object()) return util::Status::invalid("verdict " + std::to_string(i + 1) + " is not an object");
    const auto outcome = outcome_from_string(string_at(v, "outcome"));
    if (!outcome) {
      return util::Status::invalid("verdict " + std::to_string(i + 1) + " has an unknown outcome '" +
                                         string_at(v, "outcome") + "'");
    }
    verdicts.push_back(check::Verdict{string_at(v, "name"), own_classname(string_at(v, "classname"), stack), *outcome,
                                      string_at(v, "message"), {}, {}});
  }
  return verdicts;
}
}  // namespace

std::optional<check::Outcome> outcome_from_string(const std::string& text) {
  for (const auto outcome : {check::Outcome::k_passed, check::Outcome::k_failed, check::Outcome::k_error,
                             check::Outcome::k_skipped, check::Outcome::k_xfailed}) {
    if (text == check::to_string(outcome)) return outcome;
  }
  return std::nullopt;
}

util::Expected<ScenarioReport> scenario_from_summary(const nlohmann::json& entry) {
  if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string()) {
    return util::Status::invalid("no \"name\" string");
  }
  ScenarioReport r;
  r.name = string_at(entry, "name");
  r.file = string_at(entry, "file");
  r.stack = string_at(entry, "stack");
  r.run_id = string_at(entry, "run_id");
  if (const auto expect = string_at(entry, "expect"); !expect.empty()) r.expectation = expect;
  if (const auto started = check::parse_utc_time(string_at(entry, "started"))) {
    r.started = std::chrono::system_clock::time_point{
        std::chrono::milliseconds{static_cast<long long>(std::llround(*started * 1000.0))}};
  }
  if (entry.contains("duration_s") && entry["duration_s"].is_number()) {
    r.duration = std::chrono::milliseconds{std::llround(entry["duration_s"].get<double>() * 1000.0)};
  }
  if (entry.contains("seed") && entry["seed"].is_number_unsigned()) r.seed = entry["seed"].get<std::uint64_t>();
  if (entry.contains("properties") && entry["properties"].is_object()) {
    for (const auto& [key, value] : entry["properties"].items()) {
      r.properties.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  auto verdicts = verdicts_from(entry);
  if (!verdicts) return verdicts.error();
  r.verdicts = std::move(*verdicts);
  r.error = string_at(entry, "error");
  r.not_run = string_at(entry, "not_run");
  return r;
}

util::Expected<ScenarioReport> read_scenario_summary(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return util::Status::invalid("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded()) return util::Status::invalid(path.string() + ": not valid JSON");
  if (!json.is_object() || !json.contains("scenarios") || !json["scenarios"].is_array() || json["scenarios"].empty()) {
    return util::Status::invalid(path.string() + ": no scenario");
  }
  auto report = scenario_from_summary(json["scenarios"][0]);
  if (!report) return util::Status::invalid(path.string() + ": " + report.error().message());
  return report;
}

}  // namespace harness::report
